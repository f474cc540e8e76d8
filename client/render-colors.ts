// Both colors side by side at a terminal (`bluegreen status`): a small table, the live color
// first, times relative on a TTY. The words are the Web UI's (views/colors.ts).
import { inertDeep } from '../contract/sanitize.js';
import { lastDeploymentWords, runsWords, trafficWords, type ColorsView } from '../views/colors.js';
import { tableTime } from './relative-time.js';
import { renderTable } from './table.js';

export function colorTableLines(view: ColorsView, options: { tty: boolean; now?: number; current?: string }): string[] {
  view = inertDeep(view);
  const time = (iso: string) => tableTime(iso, options.tty, options.now);
  const words = { time, ...(options.current ? { current: options.current } : {}) };
  const sides = view.live === 'green' ? [view.green, view.blue] : [view.blue, view.green];
  const table = renderTable(
    [
      { header: 'COLOR', cell: (s) => `${s.live ? '●' : '○'} ${s.color}` },
      { header: 'TRAFFIC', cell: (s) => trafficWords(s, view, words) },
      { header: 'RUNS', cell: (s) => runsWords(s).replace(/^runs /, '') },
      { header: 'LAST DEPLOYMENT', cell: (s) => lastDeploymentWords(s, words).replace(/^last deployment: /, '') },
    ],
    sides,
  );
  return ['  Colors:', ...table.map((line) => `    ${line}`)];
}
