/**
 * The equal-budget report: a markdown page (table, which side wins, runs
 * still missing) and an SVG of mean dev accuracy against training minutes,
 * one line per model, written from the results file alone.
 */
import * as fs from 'fs';
import * as path from 'path';

import {linearPlot} from '../../scripts/lib/svg_plot';

import {budgetAxis, budgetOf, budgetText, evaluationText, withinBudgetText} from './budget';
import {BudgetResults, BudgetSettings, findRun, RunEnvironment} from './results';
import type {RunRequest} from './run';
import {learnedLayoutStatements, meanCurve, ModelSummary, summarizeModel, winnerStatement} from './summary';

export interface BudgetReportOptions {
  /** The runs the experiment asks for: those not in the results are listed as missing. */
  requests: RunRequest[];
  /** The results file, linked from the page. */
  resultsFile: string;
  docFile: string;
  svgFile: string;
  /** The command line that wrote the report, quoted on the page. */
  command: string;
}

/** Requested models first, in their order, then any other model found in the results. */
function modelOrder(results: BudgetResults, requests: RunRequest[]): string[] {
  return [...new Set([...requests.map(r => r.model.name), ...results.runs.map(r => r.model)])];
}

function seedsText(summary: ModelSummary): string {
  return summary.runs.map(r => r.seed).join(', ');
}

function tableRow(name: string, summary: ModelSummary|undefined): string {
  if (summary == null) return `| ${name} | | none | | | | | |`;
  const first = summary.runs[0];
  return `| ${name} | ${first.recurrentParameters.toLocaleString('en-US')} | ${seedsText(summary)} | ` +
      `${summary.bestMean.toFixed(4)} ± ${summary.bestSpread.toFixed(4)} | ` +
      `${summary.runs.map(r => Math.max(...r.curve.map(p => p.devAccuracy)).toFixed(4)).join(', ')} | ` +
      `${summary.finalMean.toFixed(4)} | ${Math.round(summary.tokensPerSecondMean)} | ${Math.round(summary.stepsMean)} |`;
}

function range(values: number[], digits: number): string {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return low === high ? low.toFixed(digits) : `${low.toFixed(digits)}-${high.toFixed(digits)}`;
}

/** 'intra-op 1, inter-op 1, block-sparse 1', or 'the libraries' defaults' when none is set. */
function threadLimitsText(limits: RunEnvironment['threadLimits']): string {
  const set = ([['intra-op', limits.TF_NUM_INTRAOP_THREADS], ['inter-op', limits.TF_NUM_INTEROP_THREADS],
    ['block-sparse', limits.TFJS_BLOCKSPARSE_NUM_THREADS]] as const).filter(([, value]) => value != null);
  return set.length === 0 ? 'the libraries\' defaults' : set.map(([name, value]) => `${name} ${value}`).join(', ');
}

/** Where and with what the runs ran: threads, load, versions, as recorded per run. */
function machineText(results: BudgetResults): string {
  const environments = results.runs.map(r => r.environment);
  if (environments.length === 0) return '';
  const threads = [...new Set(environments.map(e => threadLimitsText(e.threadLimits)))];
  const versions = environments[environments.length - 1].versions;
  return `Machine: ${environments[0].cpus.count} × ${environments[0].cpus.model}; ` +
      `threads: ${threads.join(' or ')}; CPU seconds per second ${
          range(environments.map(e => e.cpuSecondsPerSecond), 2)}; 1-minute load average at the start of a run ${
          range(environments.map(e => e.uptimeAtStart.loadAverage[0]), 2)}. Versions (latest run): node ${versions.node}, ` +
      `tfjs ${versions.tfjs.tfjs}${versions.tfjsNode ? `, tfjs-node ${versions.tfjsNode}` : ''}${
          versions.tensorflow ? `, libtensorflow ${versions.tensorflow}` : ''}, tfjs-blocksparse ${versions.tfjsBlocksparse}${
          versions.commit ? ` (${versions.commit})` : ''}.`;
}

/** How every run trained: budget, parallelism, evaluations and the shared training options. */
function settingsText(settings: BudgetSettings): string {
  const {backend, jobs, training: t, data} = settings;
  const budget = budgetOf(settings);
  const parallel = jobs === 1 ? 'one run at a time on all cores' : `${jobs} runs at a time on one thread each`;
  const batchLimit = t.maxBatches == null || t.maxBatches === Infinity ? '' : `, at most ${t.maxBatches} batches per epoch`;
  return `Every model trains for ${budgetText(budget)} on \`${backend}\`, ${parallel} (${evaluationText(budget)}), ` +
      `and its score is its best ` +
      `dev accuracy within that budget. Shared settings: embedding ${t.embeddingSize}, dropout ${t.dropout}, batch ` +
      `${t.batchSize}, learning rate ${t.learningRate}, max length ${t.maxLength}, vocabulary ${t.maxVocabularySize}, ` +
      `block size ${t.blockSize}, ${t.layoutType} layouts${batchLimit}; data ${data}.`;
}

export function budgetReportText(results: BudgetResults, options: BudgetReportOptions): string {
  const {settings} = results;
  const summaries = new Map<string, ModelSummary>();
  for (const name of modelOrder(results, options.requests)) {
    const runs = results.runs.filter(r => r.model === name);
    if (runs.length > 0) summaries.set(name, summarizeModel(runs));
  }
  const missing = options.requests.filter(r => findRun(results, r.model.name, r.seed) == null);
  const docDir = path.dirname(options.docFile);
  const link = (file: string) => path.relative(docDir, file).split(path.sep).join('/');
  const budget = budgetOf(settings);
  // Which side wins only when the experiment asks for both (not, say, pruned against fixed layouts).
  const comparesDenseWithSparse = new Set(options.requests.map(r => r.model.sparse)).size === 2;
  const statements = [
    ...(comparesDenseWithSparse ? [winnerStatement([...summaries.values()], budget)] : []),
    ...learnedLayoutStatements([...summaries.values()]).map(statement => `Learned layout: ${statement}`),
  ];
  if (missing.length > 0) statements.push(`Provisional: ${missing.length} of ${options.requests.length} runs are missing.`);
  const axisLabel = budgetAxis(budget).label;
  const lines = [
    `# ${comparesDenseWithSparse ? 'Dense against block-sparse LSTMs' : 'Block-sparse LSTMs'} at an equal ${
        budget.kind === 'minutes' ? 'training budget' : 'number of training steps'} (SST-2)`,
    '',
    `Written by \`${options.command}\` on ${new Date().toISOString().slice(0, 10)} from ` +
        `[${path.basename(options.resultsFile)}](${link(options.resultsFile)}). ${settingsText(settings)}`,
    ...statements.flatMap(statement => ['', statement]),
    '',
    `| model | recurrent params | seeds | best dev accuracy (mean ± sd) | per seed | dev accuracy at the end | tokens/s | steps |`,
    '|---|---|---|---|---|---|---|---|',
    ...modelOrder(results, options.requests).map(name => tableRow(name, summaries.get(name))),
    '',
    results.runs.length > 0 ? `![mean dev accuracy against ${axisLabel}](${link(options.svgFile)})` :
                              'No run has finished yet.',
    '',
    missing.length === 0 ? `All requested runs (${options.requests.length}) are in.` :
        `Runs still missing (${missing.length}): ${missing.map(r => `${r.model.name} seed ${r.seed}`).join(', ')}.`,
    '',
    machineText(results),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

/** The plot of the models with runs, in the table's order. */
export function budgetPlotSvg(results: BudgetResults, requests: RunRequest[]): string {
  const budget = budgetOf(results.settings);
  const axis = budgetAxis(budget);
  const names = modelOrder(results, requests).filter(name => results.runs.some(r => r.model === name));
  return linearPlot(`SST-2 dev accuracy ${withinBudgetText(budget)} (${results.settings.backend})`, axis.label,
      'dev accuracy (mean over seeds)', names.map(name => {
        const runs = results.runs.filter(r => r.model === name);
        return {label: `${name} (${runs.length} seed${runs.length === 1 ? '' : 's'})`, points: meanCurve(runs, axis)};
      }));
}

/** Writes the page, and the plot when some run has finished. */
export function writeBudgetReport(results: BudgetResults, options: BudgetReportOptions): void {
  for (const file of [options.docFile, options.svgFile]) fs.mkdirSync(path.dirname(file), {recursive: true});
  if (results.runs.length > 0) fs.writeFileSync(options.svgFile, budgetPlotSvg(results, options.requests) + '\n');
  fs.writeFileSync(options.docFile, budgetReportText(results, options));
}
