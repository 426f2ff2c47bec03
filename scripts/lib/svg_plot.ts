/**
 * Dependency-free SVG line plots for benchmark and experiment results, one
 * line per series: logLogPlot (log2 x, log2 y; speedup against density, with
 * the ideal 1/density) and linearPlot (dev accuracy against training time).
 */
export interface Series {
  label: string;
  points: Array<{x: number, y: number}>;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
  '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

const WIDTH = 760, HEIGHT = 480, LEFT = 70, RIGHT = 230, TOP = 40, BOTTOM = 60;

/** One axis: where a value goes in [0, 1] of the plot area, its grid lines, and which values it can show. */
interface Axis {
  fraction: (value: number) => number;
  ticks: Array<{value: number, label: string, emphasised?: boolean}>;
  shows: (value: number) => boolean;
}

function log2Axis(values: number[], includeOne: boolean): Axis {
  const logs = values.map(Math.log2);
  const low = Math.floor(Math.min(...logs, ...(includeOne ? [0] : [])));
  const high = Math.ceil(Math.max(...logs, ...(includeOne ? [0] : [])));
  const ticks = [];
  for (let e = low; e <= high; e++) ticks.push({value: 2 ** e, label: formatPower(e), emphasised: e === 0});
  return {fraction: v => (Math.log2(v) - low) / Math.max(high - low, 1), ticks, shows: v => v > 0};
}

/** A 1, 2 or 5 times a power of ten step that cuts `span` into about six parts. */
function tickStep(span: number): number {
  const rough = span / 6, power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map(m => m * power).find(step => step >= rough)!;
}

function linearAxis(values: number[]): Axis {
  let low = Math.min(...values), high = Math.max(...values);
  if (high - low < 1e-12) [low, high] = [low - 0.5, high + 0.5];
  const step = tickStep(high - low);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let i = 0; low + i * step <= high + step / 1e6; i++) {
    const value = low + i * step;
    ticks.push({value, label: value.toFixed(decimals)});
  }
  return {fraction: v => (v - low) / (high - low), ticks, shows: Number.isFinite};
}

export function logLogPlot(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap(s => s.points).filter(p => p.x > 0 && p.y > 0);
  // The y axis always shows 1 (speedup 1, emphasised), where dense and sparse break even.
  return plot(title, xLabel, yLabel, series, log2Axis(all.map(p => p.x), false), log2Axis(all.map(p => p.y), true));
}

export function linearPlot(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap(s => s.points).filter(p => Number.isFinite(p.x) && Number.isFinite(p.y));
  return plot(title, xLabel, yLabel, series, linearAxis(all.map(p => p.x)), linearAxis(all.map(p => p.y)));
}

function plot(title: string, xLabel: string, yLabel: string, series: Series[], xAxis: Axis, yAxis: Axis): string {
  const px = (x: number) => LEFT + xAxis.fraction(x) * (WIDTH - LEFT - RIGHT);
  const py = (y: number) => HEIGHT - BOTTOM - yAxis.fraction(y) * (HEIGHT - TOP - BOTTOM);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2 - RIGHT / 2}" y="20" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  for (const tick of xAxis.ticks) {
    const x = px(tick.value);
    parts.push(`<line x1="${x}" y1="${TOP}" x2="${x}" y2="${HEIGHT - BOTTOM}" stroke="#eee"/>`,
        `<text x="${x}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${tick.label}</text>`);
  }
  for (const tick of yAxis.ticks) {
    const y = py(tick.value);
    parts.push(`<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="${tick.emphasised ? '#999' : '#eee'}"/>`,
        `<text x="${LEFT - 6}" y="${y + 4}" text-anchor="end">${tick.label}</text>`);
  }
  parts.push(`<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 20}" text-anchor="middle">${escape(xLabel)}</text>`,
      `<text transform="translate(18 ${(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.label.startsWith('ideal') ? '#000' : COLORS[i % COLORS.length];
    const dash = s.label.startsWith('ideal') ? ' stroke-dasharray="5 4"' : '';
    const pts = s.points.filter(p => xAxis.shows(p.x) && yAxis.shows(p.y)).sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(p => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    pts.forEach(p => parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`));
    const ly0 = TOP + 10 + i * 18;
    parts.push(`<line x1="${WIDTH - RIGHT + 15}" y1="${ly0}" x2="${WIDTH - RIGHT + 40}" y2="${ly0}" stroke="${color}" stroke-width="2"${dash}/>`,
        `<text x="${WIDTH - RIGHT + 46}" y="${ly0 + 4}">${escape(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function formatPower(e: number): string {
  return e >= 0 ? String(2 ** e) : `1/${2 ** -e}`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
