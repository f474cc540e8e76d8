// What `bluegreen validate` can tell about a PromQL query without a Prometheus: unknown
// placeholders, unclosed strings, brackets that do not pair up. Prometheus' own parser has the
// last word at plan time (`/api/v1/format_query`, see plan-check.ts); this catches the typos
// that would otherwise only show when the deployment is already under way.
import { METRIC_PLACEHOLDERS, METRIC_PLACEHOLDER_PATTERN, fillPlaceholders } from '../metric-plan.js';

/** The template with sample values, as Prometheus' parser is shown it at plan time. */
export const sampleQuery = (template: string): string => fillPlaceholders(template, SAMPLE_VALUES);

/** Stand-ins for the placeholders, so a template can be parsed like the query it becomes. */
export const SAMPLE_VALUES = { color: 'green', service: 'datatruck-api', sha: '0123456789abcdef', window: '1m' } as const;

export const MAX_QUERY_LENGTH = 4_000;

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Problems with a PromQL template, each one sentence; empty when it looks fine. */
export function lintPromql(template: string): string[] {
  const problems: string[] = [];
  if (template.trim() === '') return ['the query is empty'];
  if (template.length > MAX_QUERY_LENGTH)
    problems.push(`the query is ${template.length} characters; at most ${MAX_QUERY_LENGTH}`);
  for (const [, name] of template.matchAll(new RegExp(METRIC_PLACEHOLDER_PATTERN.source, 'g'))) {
    if (!(METRIC_PLACEHOLDERS as readonly string[]).includes(name!)) {
      problems.push(`unknown placeholder {{${name}}}: use ${METRIC_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    }
  }
  // Same-length filler keeps the character positions those of the template.
  const query = template.replace(new RegExp(METRIC_PLACEHOLDER_PATTERN.source, 'g'), (whole) => '_'.repeat(whole.length));
  const open: Array<{ char: string; at: number }> = [];
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += c !== '`' && query[j] === '\\' ? 2 : 1;
      if (j >= query.length) {
        problems.push(`the string opened with ${c} at character ${i + 1} is never closed`);
        return problems;
      }
      i = j;
    } else if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') {
      open.push({ char: c, at: i + 1 });
    } else if (c in PAIRS) {
      const last = open.pop();
      if (!last) {
        problems.push(`"${c}" at character ${i + 1} closes nothing`);
        return problems;
      }
      if (last.char !== PAIRS[c]) {
        problems.push(`"${c}" at character ${i + 1} closes the "${last.char}" opened at character ${last.at}`);
        return problems;
      }
    }
  }
  for (const left of open) problems.push(`the "${left.char}" at character ${left.at} is never closed`);
  if (/\{\{|\}\}/.test(query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ''))) {
    problems.push('a "{{" or "}}" outside a placeholder: placeholders look like {{color}}');
  }
  return problems;
}
