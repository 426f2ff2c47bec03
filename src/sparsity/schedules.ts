/**
 * The step schedules of layouts learned while training: the density of
 * scheduled pruning (TensorFlow Model Optimization's PolynomialDecay, in
 * density rather than sparsity) and the fraction of blocks RigL moves
 * (cosine-decayed, as in Evci et al. 2020).
 *
 * ```js
 * const schedule = checkPruningSchedule('blockPruning', {initialDensity: 1, finalDensity: 1 / 16,
 *     beginStep: 0, endStep: 1000, frequency: 100});
 * densityAt(schedule, 500);   // 1/16 + (1 - 1/16) * (1 - 0.5)^3
 * isUpdateStep(schedule, 500) // true
 * ```
 */
import {checkArgument} from '../errors';

export interface PruningScheduleArgs {
  /** Density at `beginStep`, in (0, 1]; default 1 (dense). */
  initialDensity?: number;
  /** Density from `endStep` on, in (0, initialDensity]. */
  finalDensity: number;
  /** First step that prunes; default 0. */
  beginStep?: number;
  /** Step at which the final density is reached. */
  endStep: number;
  /** Steps between prunings; default 100. */
  frequency?: number;
  /** Exponent of the decay; default 3, as in TF-MOT and Zhu & Gupta (2017). */
  power?: number;
}

export type PruningSchedule = Required<PruningScheduleArgs>;

export interface RigLScheduleArgs {
  /** Steps between updates; default 100. */
  updateEvery?: number;
  /** Fraction of each weight's blocks moved at step 0, in (0, 1); default 0.3. */
  dropFraction?: number;
  /** Last step that moves blocks; the fraction decays to 0 there. */
  endStep: number;
}

export type RigLSchedule = Required<RigLScheduleArgs>;

function checkStep(fn: string, arg: string, value: unknown): void {
  checkArgument(Number.isInteger(value) && (value as number) >= 0, fn, arg, 'a non-negative integer', value);
}

function checkPositiveInteger(fn: string, arg: string, value: unknown): void {
  checkArgument(Number.isInteger(value) && (value as number) > 0, fn, arg, 'a positive integer', value);
}

/** The schedule with its defaults, or an error naming the first bad argument. */
export function checkPruningSchedule(fn: string, args: PruningScheduleArgs): PruningSchedule {
  checkArgument(args != null && typeof args === 'object', fn, 'args', 'an object', args);
  const schedule: PruningSchedule = {
    initialDensity: args.initialDensity ?? 1, finalDensity: args.finalDensity, beginStep: args.beginStep ?? 0,
    endStep: args.endStep, frequency: args.frequency ?? 100, power: args.power ?? 3,
  };
  const {initialDensity, finalDensity, beginStep, endStep, frequency, power} = schedule;
  checkArgument(typeof initialDensity === 'number' && initialDensity > 0 && initialDensity <= 1, fn,
                'initialDensity', 'a number in (0, 1]', initialDensity);
  checkArgument(typeof finalDensity === 'number' && finalDensity > 0 && finalDensity <= initialDensity, fn,
                'finalDensity', `a number in (0, initialDensity = ${initialDensity}]`, finalDensity);
  checkStep(fn, 'beginStep', beginStep);
  checkStep(fn, 'endStep', endStep);
  checkArgument(endStep > beginStep, fn, 'endStep', `a step after beginStep = ${beginStep}`, endStep);
  checkPositiveInteger(fn, 'frequency', frequency);
  checkArgument(typeof power === 'number' && power > 0 && Number.isFinite(power), fn, 'power',
                'a positive number', power);
  return schedule;
}

/** The density the schedule asks for at `step`: initial before it begins, final from its end. */
export function densityAt(schedule: PruningSchedule, step: number): number {
  const {initialDensity, finalDensity, beginStep, endStep, power} = schedule;
  const progress = Math.min(1, Math.max(0, (step - beginStep) / (endStep - beginStep)));
  return finalDensity + (initialDensity - finalDensity) * Math.pow(1 - progress, power);
}

/** Whether the schedule prunes at `step`: every `frequency` steps from its begin, and at its end. */
export function isUpdateStep(schedule: PruningSchedule, step: number): boolean {
  const {beginStep, endStep, frequency} = schedule;
  return step >= beginStep && step <= endStep && ((step - beginStep) % frequency === 0 || step === endStep);
}

export function checkRigLSchedule(fn: string, args: RigLScheduleArgs): RigLSchedule {
  checkArgument(args != null && typeof args === 'object', fn, 'args', 'an object', args);
  const schedule: RigLSchedule = {
    updateEvery: args.updateEvery ?? 100, dropFraction: args.dropFraction ?? 0.3, endStep: args.endStep,
  };
  checkPositiveInteger(fn, 'updateEvery', schedule.updateEvery);
  checkArgument(typeof schedule.dropFraction === 'number' && schedule.dropFraction > 0 && schedule.dropFraction < 1,
                fn, 'dropFraction', 'a number in (0, 1)', schedule.dropFraction);
  checkPositiveInteger(fn, 'endStep', schedule.endStep);
  return schedule;
}

/** The fraction of blocks RigL moves at `step` (0 when it does not update then). */
export function rigLDropFractionAt(schedule: RigLSchedule, step: number): number {
  const {updateEvery, dropFraction, endStep} = schedule;
  if (step <= 0 || step >= endStep || step % updateEvery !== 0) return 0;
  return dropFraction / 2 * (1 + Math.cos(Math.PI * step / endStep));
}
