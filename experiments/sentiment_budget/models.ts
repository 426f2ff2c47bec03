/**
 * The models of the equal-budget experiment and their names: `dense-<hidden>`
 * for a dense LSTM, `sparse-<hidden>-1/<k>` for a block-sparse LSTM whose
 * recurrent kernel keeps 1/k of its blocks on a fixed layout, `rigl-...`
 * for the same with RigL moving its blocks, and `pruned-...` for one that
 * starts dense and is pruned to 1/k (examples/sentiment/layout_learning.ts).
 * A name is the key of a run in the results file, so every spelling of a
 * model maps to one canonical name.
 */
import {LayoutLearningKind} from '../../examples/sentiment/layout_learning';
import {parseList, parseNumber} from '../../scripts/lib/command_flags';

export interface BudgetModel {
  /** Canonical name, e.g. 'dense-362' or 'sparse-1024-1/8'. */
  name: string;
  sparse: boolean;
  hiddenSize: number;
  /** Fraction of the recurrent kernel's blocks kept (at the end, when pruned); 1 for dense. */
  density: number;
  /** How the sparse layout is learned; 'static' for dense and sparse- models. */
  learning: LayoutLearningKind;
}

/**
 * Dense LSTMs up to about the recurrent parameters of the sparse ones
 * (dense 362 ~ sparse 1024 at 1/8), and wider block-sparse LSTMs.
 */
export const DEFAULT_BUDGET_MODELS = [
  'dense-256', 'dense-362', 'dense-512',
  'sparse-1024-1/4', 'sparse-1024-1/8', 'sparse-1024-1/16',
  'sparse-2048-1/4', 'sparse-2048-1/8', 'sparse-2048-1/16',
] as const;

/** 0.125 -> '1/8'; a density that is no reciprocal of an integer stays a decimal. */
function densityName(density: number): string {
  const k = Math.round(1 / density);
  return Math.abs(1 / k - density) < 1e-12 ? `1/${k}` : String(density);
}

/** The name prefix of a sparse model by how its layout is learned. */
const SPARSE_PREFIX: Record<LayoutLearningKind, string> = {static: 'sparse', rigl: 'rigl', prune: 'pruned'};

export function budgetModelName(model: Omit<BudgetModel, 'name'>): string {
  return model.sparse ? `${SPARSE_PREFIX[model.learning]}-${model.hiddenSize}-${densityName(model.density)}` :
                        `dense-${model.hiddenSize}`;
}

const MODEL_NAME = /^(dense)-(\d+)$|^(sparse|rigl|pruned)-(\d+)-([0-9./]+)$/;

/** One model from its name; `flag` names the flag for the error. */
export function parseBudgetModel(text: string, flag: string): BudgetModel {
  const match = MODEL_NAME.exec(text);
  const expected = `dense-<hidden> or sparse|rigl|pruned-<hidden>-<density> (like ${DEFAULT_BUDGET_MODELS[0]} or ${
      DEFAULT_BUDGET_MODELS[4]})`;
  if (match == null) throw new Error(`${flag} must list models named ${expected}, but got '${text}'.`);
  const sparse = match[3] != null;
  const hiddenSize = Number(sparse ? match[4] : match[2]);
  const density = sparse ? parseNumber(match[5], `${flag} (the density of '${text}')`) : 1;
  if (!(hiddenSize > 0)) throw new Error(`${flag}: '${text}' needs a hidden size of at least 1, but got ${hiddenSize}.`);
  if (!(density > 0 && density <= 1)) {
    throw new Error(`${flag}: '${text}' needs a density in (0, 1], but got ${density}.`);
  }
  const learning = (Object.keys(SPARSE_PREFIX) as LayoutLearningKind[])
                       .find(kind => sparse && SPARSE_PREFIX[kind] === match[3]) ?? 'static';
  const model = {sparse, hiddenSize, density, learning};
  return {name: budgetModelName(model), ...model};
}

/** A comma-separated list of model names, or 'all' for DEFAULT_BUDGET_MODELS. */
export function parseBudgetModels(text: string, flag: string): BudgetModel[] {
  const names = text.trim() === 'all' ? [...DEFAULT_BUDGET_MODELS] : parseList(text);
  if (names.length === 0) throw new Error(`${flag} must list at least one model, but got '${text}'.`);
  const models = names.map(name => parseBudgetModel(name, flag));
  const duplicates = models.filter((m, i) => models.findIndex(o => o.name === m.name) !== i);
  if (duplicates.length > 0) throw new Error(`${flag} lists ${duplicates[0].name} twice.`);
  return models;
}
