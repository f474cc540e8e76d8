// What a release train shows in the Web UI's current details (Markdown): where it is, what a
// human must do, and every service with a link to its own deployment, its state, colors and SHA.
import { shortSha } from '../contract/format.js';
import type { TrainServiceStatus, TrainStatus } from '../contract/train.js';

const HEADLINE: Record<TrainStatus['phase'], string> = {
  deploy: 'Deploying and verifying the services',
  approval: 'Waiting for QA approval of the whole train',
  switch: 'Switching the services in dependency order',
  monitor: 'Monitoring the whole train under traffic',
  sync: 'Every service healthy: syncing',
  rollback: 'Rolling back the switched services in reverse order',
  done: 'Finished',
};

/** The Web UI's path of a workflow run (relative: the UI resolves it against itself). */
export const workflowLink = (namespace: string, workflowId: string, runId?: string): string =>
  `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}` : ''}/history`;

const colors = (s: TrainServiceStatus) =>
  s.activeColor && s.targetColor ? `${s.activeColor} → ${s.targetColor}` : (s.targetColor ?? '');

export function trainDetails(status: TrainStatus, namespace: string): string {
  const head = status.outcome
    ? `**Release train ${status.train}: ${status.outcome}**${status.error ? `: ${status.error}` : ''}`
    : `**Release train ${status.train}: ${HEADLINE[status.phase]}**`;
  const rows = status.services.map((s) => {
    const link = `[${s.service}](${workflowLink(namespace, s.workflowId, s.runId)})`;
    const state = s.outcome ? `${s.state} (${s.outcome})` : s.state;
    return `| ${s.level + 1} | ${link} | ${state} | ${colors(s)} | ${s.sha ? shortSha(s.sha) : ''} | ${s.after.join(', ')} |`;
  });
  return [
    head,
    status.waitingFor ? `\nNext: ${status.waitingFor}` : '',
    '',
    '| level | service | state | colors | SHA | after |',
    '|---|---|---|---|---|---|',
    ...rows,
    ...(status.notes ?? []).map((n) => `\nNote: ${n}`),
  ]
    .filter((line, i) => line !== '' || i === 2)
    .join('\n');
}
