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
}

export type WindowWithApp = {sentimentApp: AppState};
