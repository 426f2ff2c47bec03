/**
 * `model.summary()` with the block-sparse facts it cannot show on its own.
 *
 * tfjs's summary prints each layer's `getClassName()` and `countParams()`;
 * the parameter count is already the real (sparse) one, since the kernel
 * variables are [nnzBlocks, b, b]. The class name cannot carry the density
 * permanently (it is also the name a saved model stores), so this helper
 * shows it there only while printing, then adds a table of every sparse
 * weight: its dense shape, block size, blocks kept, density and parameters
 * against the dense count.
 *
 * ```js
 * tfbs.layers.blockSparseSummary(model);
 * // ... model.summary() rows, e.g. "bsd (BlockSparseDense 12.5%)" ...
 * // Block-sparse weights         Dense shape   b   Blocks   Density  Params / dense
 * // bsd/kernel                   [256,512]     32  16/128   0.1250   16384 / 131072
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

import {BlockLayout} from '../layout/block_layout';

import {weightLayoutsOf} from './weight_layouts';

type PrintFn = (message: string) => void;

interface SparseWeight {
  name: string;
  layout: BlockLayout;
}

/** The block-sparse weights of a layer, as the layer reports them. */
function sparseWeightsOf(layer: tfl.layers.Layer): SparseWeight[] {
  const sparse: SparseWeight[] = [];
  for (const {name, layout} of weightLayoutsOf(layer) ?? []) {
    if (layout != null) sparse.push({name: `${layer.name}/${name}`, layout});
  }
  return sparse;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width - 1) + ' ' :
                                text + ' '.repeat(width - text.length);
}

/**
 * Prints `model.summary()` with each sparse layer's density next to its
 * class, then the table of sparse weights; returns the printed lines.
 */
export function blockSparseSummary(
    model: tfl.LayersModel, printFn: PrintFn = console.log,
    lineLength = 110): string[] {
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    printFn(line);
  };
  const patched: tfl.layers.Layer[] = [];
  const sparse: SparseWeight[] = [];
  for (const layer of model.layers) {
    const weights = sparseWeightsOf(layer);
    if (weights.length === 0) continue;
    sparse.push(...weights);
    const kept = weights.reduce((s, w) => s + w.layout.nnzBlocks, 0);
    const total =
        weights.reduce((s, w) => s + w.layout.blockRows * w.layout.blockCols, 0);
    const className = layer.getClassName();
    const percent = `${(100 * kept / total).toFixed(1)}%`;
    // An own property shadows the prototype's method until deleted below.
    Object.defineProperty(layer, 'getClassName', {
      value: () => `${className} ${percent}`,
      configurable: true,
    });
    patched.push(layer);
  }
  try {
    // Widen the first column of a sequential summary so the density shows;
    // functional summaries have five columns and keep tfjs's positions.
    const positions =
        model instanceof tfl.Sequential ? [0.45, 0.67, 0.87, 1] : undefined;
    model.summary(lineLength, positions, print);
  } finally {
    for (const layer of patched) {
      Reflect.deleteProperty(layer, 'getClassName');
    }
  }
  if (sparse.length === 0) return lines;
  const widths = [52, 14, 5, 12, 9, 24];
  const row = (fields: string[]) =>
      print(fields.map((f, i) => pad(f, widths[i])).join('').trimEnd());
  row(['Block-sparse weights', 'Dense shape', 'b', 'Blocks', 'Density',
       'Params / dense']);
  for (const {name, layout} of sparse) {
    const b2 = layout.blockSize * layout.blockSize;
    row([
      name, `[${layout.inputSize},${layout.outputSize}]`,
      String(layout.blockSize),
      `${layout.nnzBlocks}/${layout.blockRows * layout.blockCols}`,
      layout.density.toFixed(4),
      `${layout.nnzBlocks * b2} / ${layout.inputSize * layout.outputSize}`
    ]);
  }
  print('_'.repeat(lineLength));
  return lines;
}
