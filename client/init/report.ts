// What init found and what to do next, as text: per workflow file and branch, the changes it
// needs (numbered, with the YAML to put there) or the template written in its place.
import type { Inspected } from './inspect.js';

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

export function renderInspected(item: Inspected, templatePath?: string): string {
  const where = `${item.label}: .github/workflows/${item.file} on ${item.branch}`;
  if (item.kind === 'missing') {
    const wrote = templatePath ? `wrote ${templatePath} from the template` : 'kept the existing local file';
    return `✗ ${where}: no such workflow on ${item.branch}; ${wrote}: replace its PLACEHOLDER step, commit it to ${item.branch}`;
  }
  const title = item.name ? ` ("${item.name}")` : '';
  const also = item.others.length > 0 ? ` (also found: ${item.others.join(', ')}; pick another with a flag)` : '';
  const required = item.changes.filter((c) => c.required).length;
  if (item.changes.length === 0) return `✓ ${where}${title}: ready${also}`;
  const head =
    required === 0
      ? `✓ ${where}${title}: ready; ${item.changes.length} recommended change${item.changes.length === 1 ? '' : 's'}${also}:`
      : `✗ ${where}${title}: needs ${required} change${required === 1 ? '' : 's'}${
          item.changes.length > required ? ` (and ${item.changes.length - required} recommended)` : ''
        }${also}:`;
  const lines = item.changes.map((change, i) => {
    const first = `  ${i + 1}. ${change.required ? '' : '(recommended) '}${change.what}`;
    return change.yaml ? `${first}\n${indent(change.yaml, '       ')}` : first;
  });
  return [head, ...lines].join('\n');
}
