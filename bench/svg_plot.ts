/**
 * A dependency-free SVG line plot (log2 x, log2 y) for benchmark results:
 * speedup against density, one line per series, with the ideal 1/density.
 */
export interface Series {
  label: string;
  points: Array<{x: number, y: number}>;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b',
  '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

export function logLogPlot(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const width = 760, height = 480, left = 70, right = 230, top = 40, bottom = 60;
  const all = series.flatMap(s => s.points).filter(p => p.x > 0 && p.y > 0);
  const lx = all.map(p => Math.log2(p.x)), ly = all.map(p => Math.log2(p.y));
  const [x0, x1] = [Math.floor(Math.min(...lx)), Math.ceil(Math.max(...lx))];
  const [y0, y1] = [Math.floor(Math.min(...ly, 0)), Math.ceil(Math.max(...ly, 0))];
  const px = (x: number) => left + ((Math.log2(x) - x0) / Math.max(x1 - x0, 1)) * (width - left - right);
  const py = (y: number) => height - bottom - ((Math.log2(y) - y0) / Math.max(y1 - y0, 1)) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2 - right / 2}" y="20" text-anchor="middle" font-size="15">${escape(title)}</text>`,
  ];
  for (let e = x0; e <= x1; e++) {
    const x = px(2 ** e);
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${height - bottom}" stroke="#eee"/>`,
        `<text x="${x}" y="${height - bottom + 16}" text-anchor="middle">${formatPower(e)}</text>`);
  }
  for (let e = y0; e <= y1; e++) {
    const y = py(2 ** e);
    parts.push(`<line x1="${left}" y1="${y}" x2="${width - right}" y2="${y}" stroke="${e === 0 ? '#999' : '#eee'}"/>`,
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${formatPower(e)}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 20}" text-anchor="middle">${escape(xLabel)}</text>`,
      `<text transform="translate(18 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.label.startsWith('ideal') ? '#000' : COLORS[i % COLORS.length];
    const dash = s.label.startsWith('ideal') ? ' stroke-dasharray="5 4"' : '';
    const pts = s.points.filter(p => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map(p => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    pts.forEach(p => parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`));
    const ly0 = top + 10 + i * 18;
    parts.push(`<line x1="${width - right + 15}" y1="${ly0}" x2="${width - right + 40}" y2="${ly0}" stroke="${color}" stroke-width="2"${dash}/>`,
        `<text x="${width - right + 46}" y="${ly0 + 4}">${escape(s.label)}</text>`);
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
