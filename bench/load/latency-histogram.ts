/** Latency histograms in microseconds, mergeable across worker threads. */
import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One microsecond to one minute at three significant digits. */
export function createLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records a latency in microseconds, clamped into the histogram's range. */
export function recordLatency(histogram: Histogram, micros: number): void {
  histogram.recordValue(Math.min(60_000_000, Math.max(1, Math.round(micros))));
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Adds encoded histograms (one per worker) into one. */
export function mergeHistograms(encoded: string[]): Histogram {
  const total = createLatencyHistogram();
  for (const item of encoded) total.add(hdr.decodeFromCompressedBase64(item));
  return total;
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (micros: number): number => Math.round(micros) / 1000;
  const empty = histogram.totalCount === 0;
  return {
    count: histogram.totalCount,
    p50: empty ? 0 : ms(histogram.getValueAtPercentile(50)),
    p99: empty ? 0 : ms(histogram.getValueAtPercentile(99)),
    p999: empty ? 0 : ms(histogram.getValueAtPercentile(99.9)),
    max: empty ? 0 : ms(histogram.maxValue),
    mean: empty ? 0 : ms(histogram.mean),
  };
}
