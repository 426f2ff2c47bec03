/** Live loss and accuracy charts (running means over the epoch), drawn by tfjs-vis. */
import * as tfvis from '@tensorflow/tfjs-vis';

export interface Point {
  x: number;
  y: number;
}

export class TrainingCharts {
  readonly loss: Point[] = [];
  readonly accuracy: Point[] = [];
  readonly heldOut: Point[] = [];

  constructor(private readonly lossContainer: HTMLElement, private readonly accuracyContainer: HTMLElement,
              private readonly heldOutContainer: HTMLElement) {}

  clear(): void {
    this.loss.length = this.accuracy.length = this.heldOut.length = 0;
  }

  render(): void {
    void tfvis.render.linechart(this.lossContainer, {values: [this.loss], series: ['training loss']},
        {xLabel: 'step', yLabel: 'loss', width: 420, height: 240});
    void tfvis.render.linechart(this.accuracyContainer, {values: [this.accuracy], series: ['training accuracy']},
        {xLabel: 'step', yLabel: 'accuracy', width: 420, height: 240});
    // tfjs-vis's linechart plots a point at its index, not at its x: right for
    // the series above (a point per step), wrong for held-out accuracy (a point
    // per evaluation, every few dozen steps), which goes on a scatterplot, where
    // x is the training step.
    if (this.heldOut.length > 0) {
      const lastStep = this.heldOut[this.heldOut.length - 1].x;
      void tfvis.render.scatterplot(this.heldOutContainer, {values: [this.heldOut], series: ['held-out accuracy']},
          {xLabel: 'step', yLabel: 'accuracy', width: 420, height: 240, xAxisDomain: [0, lastStep]});
    }
  }
}
