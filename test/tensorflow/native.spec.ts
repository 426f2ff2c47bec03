/**
 * The native ops themselves, called raw as the kernels call them: each
 * malformed input comes back as a TensorFlow error naming the input (never
 * a crash or an out-of-bounds read) and leaks nothing; the instruction set
 * is the one asked for. The products' values are checked by the
 * conformance suite, which on `tensorflow` runs through these ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import {expect} from 'chai';

import {blockSparseMatMul} from '../../ops/block_sparse_mat_mul';
import {blockSparseSampledMatMul} from '../../ops/block_sparse_sampled_mat_mul';
import type {TFNodeBackend} from '../../src/kernels/tensorflow/tf_ops';
import {TOLERANCE} from '../conformance/cases';
import {conformanceLayouts} from '../util/layouts';
import {createRng, freshSeed, randomNormal} from '../util/random';
import {errorOfRawOp, nativeAddon} from '../util/raw_ops';
import {blocksFromDense, denseFromBlocks, matMul64, relativeError} from '../util/reference';

const int = (values: number[]) => tf.tensor1d(values, 'int32');

describe('tensorflow native ops', () => {
  it('report the instruction set asked for', () => {
    const forced = process.env.TFJS_BLOCKSPARSE_ISA;
    if (forced === 'portable') {
      expect(nativeAddon().instructionSet).to.equal('portable');
    } else if (forced === 'avx2') {
      expect(['avx2-fma', 'portable']).to.include(nativeAddon().instructionSet);
    } else {
      expect(['avx512', 'avx2-fma', 'portable']).to.include(nativeAddon().instructionSet);
    }
    expect(nativeAddon().numThreads).to.be.at.least(1);
  });

  // Results of 8 MB and more are written with stores that bypass the cache
  // (block_products_impl.h, kStreamBytes); the conformance shapes are far
  // smaller. 2049 rows leave a partial panel at the bottom.
  for (const transposeW of [false, true]) {
    it(`x . W${transposeW ? '^T' : ''} with an 8 MB result matches the dense reference`, async () => {
      const seed = freshSeed();
      const rng = createRng(seed);
      const [blockRows, blockCols] = transposeW ? [32, 2] : [2, 32];
      const {layout} = conformanceLayouts(blockRows, blockCols, 32, rng)[1];  // holes
      const rows = 2049, inner = 64, outer = 1024;  // x [rows, inner] gives y [rows, outer]
      const w = randomNormal(layout.nnzBlocks * 32 * 32, rng);
      const x = randomNormal(rows * inner, rng);
      const y = blockSparseMatMul(
          tf.tensor2d(x, [rows, inner]), tf.tensor3d(w, layout.weightShape), layout, {transposeW});
      expect(y.shape).to.deep.equal([rows, outer]);
      const dense = denseFromBlocks(w, layout);
      const expected = matMul64(
          x, [rows, inner], dense, [layout.inputSize, layout.outputSize], false, transposeW);
      expect(relativeError(await y.data(), expected), `seed ${seed}`).to.be.below(TOLERANCE);
      tf.dispose(y);
    });
  }

  // Below 384 rows, x . W runs tasks of one output unit and as many rows
  // as fit in 384 KB of packed x (block_products_impl.h,
  // kFewRowsTaskBytes): with K = 1024, 101 rows make two row tasks (each
  // block read twice, in place) and 301 rows four (the blocks packed
  // first); both leave a partial panel. The conformance shapes make one.
  for (const rows of [101, 301]) {
    for (const blockSize of [32, 64]) {
      it(`x . W with ${rows} rows of 1024 (several few-row tasks) at b = ${blockSize}`, async () => {
        const seed = freshSeed();
        const rng = createRng(seed);
        const {layout} = conformanceLayouts(1024 / blockSize, 3, blockSize, rng)[1];  // holes
        const inner = layout.inputSize, outer = layout.outputSize;
        const w = randomNormal(layout.nnzBlocks * blockSize * blockSize, rng);
        const x = randomNormal(rows * inner, rng);
        const y = blockSparseMatMul(
            tf.tensor2d(x, [rows, inner]), tf.tensor3d(w, layout.weightShape), layout);
        const expected = matMul64(
            x, [rows, inner], denseFromBlocks(w, layout), [inner, outer], false, false);
        expect(relativeError(await y.data(), expected), `seed ${seed}`).to.be.below(TOLERANCE);
        tf.dispose(y);
      });
    }
  }

  // Up to 64 rows the sampled product reads a and b in place
  // (block_products_impl.h, SampledInPlace), as the conformance shapes do;
  // more rows in few chunks are packed first, chunk by chunk, the threads
  // sharing each chunk: 65 rows at b = 32 make two chunks, 100 rows at
  // b = 8 and 16 one.
  for (const [rows, blockSize] of [[65, 32], [100, 16], [100, 8]]) {
    it(`sampled a^T . b over ${rows} rows at b = ${blockSize} (packed, few chunks)`, async () => {
      const seed = freshSeed();
      const rng = createRng(seed);
      const {layout} = conformanceLayouts(5, 3, blockSize, rng)[1];  // holes
      const {inputSize: K, outputSize: N} = layout;
      const a = randomNormal(rows * K, rng), b = randomNormal(rows * N, rng);
      const out = blockSparseSampledMatMul(
          tf.tensor2d(a, [rows, K]), tf.tensor2d(b, [rows, N]), layout);
      const expected = blocksFromDense(matMul64(a, [rows, K], b, [rows, N], true, false), layout);
      expect(relativeError(await out.data(), expected), `seed ${seed}`).to.be.below(TOLERANCE);
      tf.dispose(out);
    });
  }

  // With at least two row chunks per thread (64 to 256 rows each, by block
  // size), the sampled product gives each thread whole chunks and its own
  // partial result, then adds them (block_products_impl.h, SampledWith).
  // This covers it at b = 32 with a chunk left part-full.
  it('sampled a^T . b over many row chunks matches the dense reference', async () => {
    const seed = freshSeed();
    const rng = createRng(seed);
    const {layout} = conformanceLayouts(3, 3, 32, rng)[1];  // holes
    const rows = 2 * 256 * nativeAddon().numThreads + 77;
    const {inputSize: K, outputSize: N} = layout;
    const a = randomNormal(rows * K, rng), b = randomNormal(rows * N, rng);
    const out = blockSparseSampledMatMul(tf.tensor2d(a, [rows, K]), tf.tensor2d(b, [rows, N]), layout);
    const expected = blocksFromDense(matMul64(a, [rows, K], b, [rows, N], true, false), layout);
    expect(relativeError(await out.data(), expected), `seed ${seed}`).to.be.below(TOLERANCE);
    tf.dispose(out);
  });

  describe('TfjsBlockSparseMatMul rejects', () => {
    const matMul = (x: number[], w: number[], ptr: number[], other: number[], block: number[],
                    xDtype: tf.DataType = 'float32') => {
      const backend = tf.backend() as unknown as TFNodeBackend;
      const attrs = [{name: 'transpose_w', type: backend.binding.TF_ATTR_BOOL, value: false}];
      return errorOfRawOp(nativeAddon().ops.matMul, attrs,
                     () => [tf.zeros(x, xDtype), tf.zeros(w), int(ptr), int(other), int(block)]);
    };
    // Shapes of a valid call: K = 16, b = 8, two block rows, one block column, both kept.
    const x = [3, 16], w = [2, 8, 8];

    it('a rank-1 x', () => {
      expect(matMul([16], w, [0, 2], [0, 1], [0, 1]))
          .to.match(/input 'x' must have rank 2, but got shape \[16\]/);
    });
    it('an unsupported block size', () => {
      expect(matMul([3, 24], [2, 12, 12], [0, 2], [0, 1], [0, 1]))
          .to.match(/input 'w' must have shape \[nnz, b, b\] with b in \{8, 16, 32, 64\}, but got \[2,12,12\]/);
    });
    it('non-square blocks', () => {
      expect(matMul(x, [2, 8, 16], [0, 2], [0, 1], [0, 1])).to.match(/input 'w' must have shape/);
    });
    it('x columns that are not a multiple of b', () => {
      expect(matMul([3, 12], w, [0, 2], [0, 1], [0, 1]))
          .to.match(/input 'x' must have a multiple of the block size 8 columns, but got shape \[3,12\]/);
    });
    it('other and block of different lengths', () => {
      expect(matMul(x, w, [0, 2], [0, 1], [0])).to.match(/'other' and 'block' must have the same length/);
    });
    it('a ptr that does not start at 0', () => {
      expect(matMul(x, w, [1, 2], [0, 1], [0, 1])).to.match(/input 'ptr' must rise from 0 to 2.*ptr\[0\] is 1/);
    });
    it('a ptr that decreases', () => {
      expect(matMul(x, w, [0, 2, 1, 2], [0, 1], [0, 1])).to.match(/ptr\[2\] is 1/);
    });
    it('a ptr that does not end at the entry count', () => {
      expect(matMul(x, w, [0, 1], [0, 1], [0, 1])).to.match(/must rise from 0 to 2.*ptr\[1\] is 1/);
    });
    it('an empty ptr', () => {
      expect(matMul(x, w, [], [], [])).to.match(/input 'ptr' must hold at least one offset/);
    });
    it('a negative input block index', () => {
      expect(matMul(x, w, [0, 2], [0, -1], [0, 1])).to.match(/input 'other'\[1\] must be .* in \[0, 2\), but got -1/);
    });
    it('an input block index past x', () => {
      expect(matMul(x, w, [0, 2], [0, 2], [0, 1])).to.match(/input 'other'\[1\] .* in \[0, 2\), but got 2/);
    });
    it('a block index past w', () => {
      expect(matMul(x, w, [0, 2], [0, 1], [0, 7])).to.match(/input 'block'\[1\] must be a block of w in \[0, 2\), but got 7/);
    });
    it('an int32 x (the op definition types its inputs)', () => {
      expect(matMul([3, 16], w, [0, 2], [0, 1], [0, 1], 'int32')).to.match(/int32|float|type/i);
    });
  });

  describe('TfjsBlockSparseSampledMatMul rejects', () => {
    const sampled = (a: number[], b: number[], blockRow: number[], blockCol: number[],
                     blockSize = 8) => {
      const backend = tf.backend() as unknown as TFNodeBackend;
      const attrs = [{name: 'block_size', type: backend.binding.TF_ATTR_INT, value: blockSize}];
      return errorOfRawOp(nativeAddon().ops.sampledMatMul, attrs,
                     () => [tf.zeros(a), tf.zeros(b), int(blockRow), int(blockCol)]);
    };
    // Shapes of a valid call: b = 8, a [5, 16] (two block rows), b [5, 24] (three block columns).
    const a = [5, 16], b = [5, 24];

    it('an unsupported block_size attr', () => {
      expect(sampled(a, b, [0], [0], 12)).to.match(/attr 'block_size' must be one of 8, 16, 32, 64, but got 12/);
    });
    it('a and b with different row counts', () => {
      expect(sampled(a, [4, 24], [0], [0]))
          .to.match(/'a' and 'b' must have the same number of rows, but got shapes \[5,16\] and \[4,24\]/);
    });
    it('columns that are not a multiple of block_size', () => {
      expect(sampled(a, [5, 20], [0], [0])).to.match(/multiple of block_size 8 columns/);
    });
    it('block_row and block_col of different lengths', () => {
      expect(sampled(a, b, [0, 1], [0])).to.match(/'block_row' and 'block_col' must have the same length/);
    });
    it('a block row past a', () => {
      expect(sampled(a, b, [0, 2], [0, 0])).to.match(/input 'block_row'\[1\] .* in \[0, 2\), but got 2/);
    });
    it('a negative block column', () => {
      expect(sampled(a, b, [0], [-3])).to.match(/input 'block_col'\[0\] .* in \[0, 3\), but got -3/);
    });
    it('a rank-3 a', () => {
      expect(sampled([1, 5, 16], b, [0], [0])).to.match(/input 'a' must have rank 2/);
    });
  });
});

describe('tensorflow backend package', () => {
  it('is the one TFJS_NODE_PACKAGE names, and the only one loaded', () => {
    const expected = process.env.TFJS_NODE_PACKAGE ?? '@tensorflow/tfjs-node';
    const loaded = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].filter(name => {
      const entry = require.resolve(name);
      return require.cache[entry] != null;
    });
    expect(loaded).to.deep.equal([expected]);
  });
});
