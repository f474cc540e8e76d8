// Small statistics for noisy timings: medians and spreads, never a lone mean.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
  };
}

/** "1.23 s" or "87 ms". */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (Math.abs(value) >= 1_000) return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}

/** "1.23 s (0.98–1.40, n=10)": median, then min–max. */
export function spread(s: Summary, format: (v: number) => string = ms): string {
  if (s.n === 0) return '–';
  if (s.n === 1) return `${format(s.median)} (n=1)`;
  return `${format(s.median)} (${format(s.min)}–${format(s.max)}, n=${s.n})`;
}

export const verdict = (met: boolean): string => (met ? 'met' : 'not met');

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
