/**
 * The character model's pieces on small inputs: the alphabet round-trips
 * text, the corpus keeps dev sentences out of training, a transformer built
 * from blockSparseMultiHeadAttention and standard layers learns (loss falls
 * on a repeating text) and reloads with identical logits, and sampling
 * writes only alphabet characters.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {expect} from 'chai';

import {Alphabet, UNKNOWN} from '../../examples/charlm/data/alphabet';
import {buildCorpus} from '../../examples/charlm/data/corpus';
import {buildCharLM, CharLMConfig} from '../../examples/charlm/model';
import {loadCharLM, saveCharLM} from '../../examples/charlm/model_files';
import {sampleText} from '../../examples/charlm/sampling';
import {trainStep, WindowSampler} from '../../examples/charlm/training';

describe('examples/charlm', () => {
  it('alphabet: encodes and decodes, rare characters become the unknown one', () => {
    const alphabet = Alphabet.build('abcabcabc z', 2);
    expect(alphabet.characters).to.deep.equal(['a', 'b', 'c']);
    expect(alphabet.decode(alphabet.encode('cab z'))).to.equal(`cab${UNKNOWN}${UNKNOWN}`);
    expect(Alphabet.fromJSON(alphabet.toJSON()).characters).to.deep.equal(alphabet.characters);
  });

  it('corpus: MR lines holding a dev sentence stay out of training', () => {
    const corpus = buildCorpus({
      sst2Train: 'sentence\tlabel\na fine film\t1\n', sst2Dev: 'sentence\tlabel\nit \'s a dull mess\t0\n',
      mrPositive: 'a fine film indeed .\n', mrNegative: 'frankly , it\'s a dull mess .\n',
    });
    expect(corpus.train).to.equal('a fine film\na fine film indeed .\n');
    expect(corpus.validation).to.equal('it \'s a dull mess\n');
  });

  it('a sparse transformer learns a repeating text, reloads identically and samples in its alphabet', async function() {
    this.timeout(120000);
    const text = 'the cat sat on the mat. '.repeat(40);
    const alphabet = Alphabet.build(text, 1);
    const config: CharLMConfig = {vocabularySize: alphabet.size, sequenceLength: 32, modelDim: 16, numHeads: 2,
      numLayers: 1, blockSize: 8, attention: 'sparse', pattern: 'local', patternBlocks: 1};
    const model = buildCharLM(config);
    const sampler = new WindowSampler(alphabet.encode(text), config.sequenceLength, 3);
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) losses.push(await trainStep(model, optimizer, sampler.next(8)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).to.be.below(mean(losses.slice(0, 10)) - 0.5);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-charlm-'));
    await saveCharLM(model, dir, alphabet, {format: 'tfjs-blocksparse-charlm/1', model: config, trainedOn: 'a test', steps: 60, backend: tf.getBackend()});
    const loaded = await loadCharLM(dir);
    fs.rmSync(dir, {recursive: true, force: true});
    const ids = tf.tensor2d(alphabet.encode(text.slice(0, 64)), [2, 32], 'int32');
    const [a, b] = [model.predict(ids) as tf.Tensor, loaded.model.predict(ids) as tf.Tensor];
    expect(Array.from(await a.data())).to.deep.equal(Array.from(await b.data()));
    tf.dispose([ids, a, b]);

    const before = tf.memory().numTensors;
    const sample = await sampleText(loaded.model, loaded.alphabet, {prompt: 'the ', length: 40, temperature: 0.8, seed: 5});
    expect(tf.memory().numTensors).to.equal(before);
    expect(sample).to.have.length(40);
    expect(Array.from(sample).every(c => alphabet.characters.includes(c)), sample).to.equal(true);
    optimizer.dispose();
    model.dispose();
    loaded.model.dispose();
  });
});
