/**
 * Training time: a stopwatch that is paused while the model is evaluated or
 * saved, so that a time budget and a training rate count training steps only
 * (a dev evaluation of a wide model takes seconds, and the budget experiment
 * evaluates every few tens of seconds).
 */
export class TrainingClock {
  private elapsedMs = 0;
  private runningSince: number|null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    if (this.runningSince == null) this.runningSince = this.now();
  }

  stop(): void {
    if (this.runningSince == null) return;
    this.elapsedMs += this.now() - this.runningSince;
    this.runningSince = null;
  }

  /** Training seconds so far, the running stretch included. */
  seconds(): number {
    const running = this.runningSince == null ? 0 : this.now() - this.runningSince;
    return (this.elapsedMs + running) / 1000;
  }

  /** Runs `work` with the clock stopped, and starts it again if it was running. */
  async paused<T>(work: () => Promise<T>): Promise<T> {
    const wasRunning = this.runningSince != null;
    this.stop();
    try {
      return await work();
    } finally {
      if (wasRunning) this.start();
    }
  }
}
