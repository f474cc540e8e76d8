// Shared pieces of the activity tests: a real activity context (MockActivityEnvironment, so
// heartbeats and cancellation are the SDK's own) and a log that records what would be written.
import type { Info } from '@temporalio/activity';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { GitHubClientLog } from '../activities/octokit.js';

export interface RecordedLog extends GitHubClientLog {
  lines: string[];
}

/** A log that keeps every message and its metadata as text (to check no secret is in it). */
export function recordingLog(): RecordedLog {
  const lines: string[] = [];
  const push = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${meta ? JSON.stringify(meta) : ''}`);
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export interface ActivityRun {
  env: MockActivityEnvironment;
  /** `env.run` with the activity's own result type. */
  run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R>;
  heartbeats: unknown[];
  /** Lines the activity logged through Temporal's logger. */
  logLines: string[];
}

/** A fresh environment per activity run: a cancelled one stays cancelled. */
export function activityEnv(info: Partial<Info> = {}): ActivityRun {
  const logLines: string[] = [];
  const logger = new DefaultLogger('DEBUG', (entry: LogEntry) => {
    logLines.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}`);
  });
  const env = new MockActivityEnvironment(info, { logger });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    env.run(fn, ...args) as Promise<R>;
  return { env, run, heartbeats, logLines };
}

/** Runs `fn` and returns the error it rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
