/**
 * What the page exposes as `window.sentimentApp`, for the end-to-end test and
 * the rate benchmark that drive it.
 */
export interface AppState {
  status: 'starting'|'ready'|'training'|'trained'|'error';
  backend: string;
  step: number;
  /** Loss of each training batch, in order. */
  losses: number[];
  tokensPerSecond: number;
  heldOutAccuracy: number|null;
  lastPrediction: string|null;
  /** Probability of 'positive' for the sentence in the text box, unrounded. */
  lastProbability: number|null;
  /** Where the current model came from: 'trained', a URL, or browser storage. */
  modelSource: string|null;
  errors: string[];
  /** Each update of a learned recurrent layout in the current training (none when it is fixed). */
  layoutUpdates: Array<{step: number, density: number, changedBlocks: number}>;
}

export type WindowWithApp = {sentimentApp: AppState};
