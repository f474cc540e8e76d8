// The html_url of a run points here, so a link in `bluegreen status` or the Web UI opens
// something readable during the demo instead of a dead github.com address.
import type { ServerResponse } from 'node:http';
import { sendText } from '../http.js';
import type { GitHubState } from './state.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Serves `/<owner>/<repo>/actions/runs/<id>[/job/<id>]`; false when the path is not a page. */
export function serveWebPage(state: GitHubState, path: string, res: ServerResponse): boolean {
  const match = /^\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)(?:\/job\/\d+)?\/?$/.exec(path);
  if (!match || !state.repo.is(match[1]!, match[2]!)) return false;
  const run = state.runs.get(Number(match[3]));
  if (!run) {
    sendText(res, 404, '<h1>Run not found</h1>', 'text/html; charset=utf-8');
    return true;
  }
  const jobs = run.jobs
    .map((job) => {
      const steps = job.steps.map((s) => `<li>${escapeHtml(s.name)}: ${s.conclusion ?? s.status}</li>`).join('');
      return `<h3>${escapeHtml(job.name)}: ${job.conclusion ?? job.status}</h3><ol>${steps}</ol>`;
    })
    .join('');
  const inputs = Object.entries(run.inputs)
    .map(([k, v]) => `<li>${escapeHtml(k)} = ${escapeHtml(v)}</li>`)
    .join('');
  sendText(
    res,
    200,
    `<!doctype html><title>${escapeHtml(run.displayTitle)}</title>` +
      `<h1>${escapeHtml(run.displayTitle)}</h1><p>#${run.runNumber} on ${escapeHtml(run.headBranch)} @ ${run.headSha.slice(0, 7)}: ` +
      `<b>${run.conclusion ?? run.status}</b></p><ul>${inputs}</ul>${jobs}`,
    'text/html; charset=utf-8',
  );
  return true;
}
