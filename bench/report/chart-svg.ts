/**
 * A self-contained SVG: latency percentiles per server (log scale, since saturation queueing
 * and paced answers differ by orders of magnitude) and resident memory per connection.
 */
import type { LatencySummary } from '../load/latency-histogram.ts';

export interface ChartData {
  latency: Array<{ server: string; summary: LatencySummary }>;
  memory: Array<{ server: string; kib: number }>;
  memoryTargetKiB: number;
}

const WIDTH = 960;
const HEIGHT = 420;
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759'];
const PERCENTILES: Array<[keyof LatencySummary, string]> = [
  ['p50', 'p50'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(x: number, y: number, body: string, extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(body)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string): string {
  const at = `x="${x.toFixed(1)}" y="${y.toFixed(1)}"`;
  return `<rect ${at} width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"/>`;
}

function latencyPanel(data: ChartData['latency'], x0: number, w: number): string[] {
  const top = 50;
  const bottom = HEIGHT - 110;
  const values = data.flatMap((d) => PERCENTILES.map(([k]) => Math.max(0.01, d.summary[k])));
  const lo = Math.floor(Math.log10(Math.min(...values, 0.1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1)));
  const y = (ms: number): number =>
    bottom - ((Math.log10(Math.max(0.01, ms)) - lo) / (hi - lo)) * (bottom - top);
  const out = [text(x0, 30, 'Latency percentiles (ms, log scale)', 'font-weight="bold"')];
  for (let e = lo; e <= hi; e++) {
    out.push(
      `<line x1="${x0 + 40}" x2="${x0 + w}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`,
    );
    out.push(text(x0 + 35, y(10 ** e) + 4, `${10 ** e}`, 'text-anchor="end"'));
  }
  const group = (w - 50) / Math.max(1, data.length);
  data.forEach((d, i) => {
    const gx = x0 + 50 + i * group;
    const bar = (group - 14) / PERCENTILES.length;
    PERCENTILES.forEach(([k], j) => {
      const v = d.summary[k];
      out.push(rect(gx + j * bar, y(v), bar - 2, bottom - y(v), COLOURS[j]!));
      out.push(
        text(
          gx + j * bar + bar / 2,
          y(v) - 3,
          v < 10 ? v.toFixed(2) : v.toFixed(0),
          'text-anchor="middle" font-size="9"',
        ),
      );
    });
    const cx = gx + (group - 14) / 2;
    out.push(
      text(
        cx,
        bottom + 14,
        d.server,
        `text-anchor="end" font-size="10" transform="rotate(-30 ${cx} ${bottom + 14})"`,
      ),
    );
  });
  PERCENTILES.forEach(([, label], j) => {
    out.push(rect(x0 + w - 170 + j * 55, 38, 10, 10, COLOURS[j]!));
    out.push(text(x0 + w - 156 + j * 55, 47, label, 'font-size="10"'));
  });
  return out;
}

function memoryPanel(data: ChartData['memory'], target: number, x0: number, w: number): string[] {
  const top = 50;
  const bottom = HEIGHT - 110;
  const max = Math.max(target * 1.25, ...data.map((d) => d.kib)) * 1.1;
  const y = (kib: number): number => bottom - (kib / max) * (bottom - top);
  const out = [text(x0, 30, 'Resident memory per idle connection (KiB)', 'font-weight="bold"')];
  out.push(
    `<line x1="${x0}" x2="${x0 + w}" y1="${y(target)}" y2="${y(target)}" ` +
      'stroke="#e15759" stroke-dasharray="6 4"/>',
  );
  out.push(
    text(
      x0 + w,
      y(target) - 4,
      `target ${target} KiB`,
      'text-anchor="end" font-size="10" fill="#e15759"',
    ),
  );
  const slot = w / Math.max(1, data.length);
  data.forEach((d, i) => {
    const bx = x0 + i * slot + slot * 0.2;
    out.push(rect(bx, y(d.kib), slot * 0.6, bottom - y(d.kib), '#76b7b2'));
    out.push(
      text(bx + slot * 0.3, y(d.kib) - 4, d.kib.toFixed(2), 'text-anchor="middle" font-size="10"'),
    );
    out.push(text(bx + slot * 0.3, bottom + 16, d.server, 'text-anchor="middle" font-size="10"'));
  });
  out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${bottom}" y2="${bottom}" stroke="#999"/>`);
  return out;
}

export function renderChart(data: ChartData, caption: string): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    rect(0, 0, WIDTH, HEIGHT, '#fff'),
    ...latencyPanel(data.latency, 20, 560),
    ...memoryPanel(data.memory, data.memoryTargetKiB, 640, 300),
    text(20, HEIGHT - 12, caption, 'font-size="10" fill="#555"'),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}
