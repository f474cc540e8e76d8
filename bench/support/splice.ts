// `npm run bench -- --only a,b` re-runs some sections: their text and summary rows replace the
// old ones in the existing BENCHMARKS.md, and the other sections stay as their last run left them
// (the header says which sections were re-run, when, and by which command).
import type { SectionResult } from './context.js';

const sectionNumber = (row: string): number => Number(/^\| (\d+)\./.exec(row)?.[1] ?? Infinity);

export function spliceSections(existing: string, results: SectionResult[], summaryRows: string[], note: string): string {
  let text = existing;
  for (const r of results) {
    const head = `## ${r.title}\n`;
    const block = `${head}\n${r.markdown}\n`;
    const start = text.indexOf(head);
    if (start < 0) {
      text = `${text.trimEnd()}\n\n${block}`;
      continue;
    }
    const next = text.indexOf('\n## ', start + head.length);
    text = `${text.slice(0, start)}${block}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  }
  const lines = text.split('\n');
  const summaryAt = lines.indexOf('## Summary');
  if (summaryAt < 0) throw new Error('BENCHMARKS.md has no "## Summary" table to update');
  // "## Summary", blank, header, separator, rows…
  const first = summaryAt + 4;
  let end = first;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  const rerun = new Set(results.map((r) => r.title));
  const kept = lines.slice(first, end).filter((row) => !rerun.has(row.split(' | ')[0]!.slice(2)));
  const rows = [...kept, ...summaryRows].sort((a, b) => sectionNumber(a) - sectionNumber(b));
  lines.splice(first, end - first, ...rows);
  // The note goes after the "Produced by" line, newest first. It replaces an earlier note of the
  // same sections only: the others still say when and how the sections they name were last run.
  const producedAt = lines.findIndex((l) => l.startsWith('Produced by '));
  if (producedAt >= 0) {
    const sectionsOf = (text: string) => text.replace(/^Re-run: /, '').split(' by ')[0];
    let at = producedAt + 1;
    while (lines[at]?.startsWith('Re-run: ')) {
      if (sectionsOf(lines[at]!) === sectionsOf(note)) lines.splice(at, 1);
      else at++;
    }
    lines.splice(producedAt + 1, 0, `Re-run: ${note}`);
  }
  return lines.join('\n');
}
