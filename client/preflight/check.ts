// One preflight check's verdict: passed, failed (with the fix in one sentence), or not told
// (the answer was not available to this identity: said, never guessed).
import { EXIT } from '../errors.js';

export type Verdict = 'pass' | 'fail' | 'unknown';

export interface CheckResult {
  verdict: Verdict;
  /** What was checked, e.g. "workflow deploy-green.yml on green". */
  what: string;
  /** What was found (pass) or what is wrong (fail/unknown). */
  detail?: string;
  /** One sentence: how to fix it. */
  fix?: string;
  /**
   * A failed check's exit code, the one every command uses for that kind of problem:
   * 2 set-up or input (namespace, search attributes, credentials), 6 Temporal or its workers
   * unreachable, 7 refused (the repository, its workflows or an endpoint not ready).
   */
  exitCode?: number;
}

export const pass = (what: string, detail?: string): CheckResult => ({ verdict: 'pass', what, ...(detail ? { detail } : {}) });
export const fail = (what: string, detail: string, fix: string, exitCode: number = EXIT.REFUSED): CheckResult => ({
  verdict: 'fail',
  what,
  detail,
  fix,
  exitCode,
});
export const unknown = (what: string, detail: string): CheckResult => ({ verdict: 'unknown', what, detail });

const MARK: Record<Verdict, string> = { pass: '✓', fail: '✗', unknown: '?' };

export function renderCheck(check: CheckResult, indent = ''): string {
  const head = `${indent}${MARK[check.verdict]} ${check.what}${check.detail ? `: ${check.detail}` : ''}`;
  return check.fix ? `${head}\n${indent}    fix: ${check.fix}` : head;
}

export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
