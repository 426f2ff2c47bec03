/** What the page exposes on `window.charlmApp`, for the end-to-end test. */
export interface CharLMAppState {
  status: 'starting'|'ready'|'training'|'trained'|'error';
  backend: string;
  step: number;
  /** Loss of every training step. */
  losses: number[];
  validationPerplexity: number|null;
  /** The alphabet's characters (without the unknown one). */
  alphabet: string;
  lastSample: string|null;
  errors: string[];
}

export interface WindowWithCharLM {
  charlmApp: CharLMAppState;
}
