// What an analysis provider is: it turns one check of its kind into one Measurement. Runs in
// activities (it may use the network); it never throws for a bad reading (that is a `fail` or
// an `inconclusive` measurement with a reason naming the check), only for cancellation.
import type { CheckPlan, Measurement } from './types.js';

export interface MeasureContext {
  /** Timeout of one reading. Every reading gets all of it. */
  timeoutMs: number;
  /** Where secrets named by a check are read (worker environment). */
  env: NodeJS.ProcessEnv;
  /** Metric checks: the round's evaluation time (ms), so every metric of a round is read at one instant. @default now */
  timeMs?: number;
  /** Metric checks: the secret headers the worker's policy attaches to a URL. */
  headersFor?: (url: string) => Record<string, string>;
  /** Removes secret values from error texts. */
  redact?: (text: string) => string;
}

export interface AnalysisProvider<C extends CheckPlan = CheckPlan> {
  provider: C['provider'];
  measure(check: C, context: MeasureContext): Promise<Measurement>;
}

/** Declares a provider; the generic ties it to its check type. */
export const defineProvider = <C extends CheckPlan>(provider: AnalysisProvider<C>): AnalysisProvider<C> => provider;

/** A measurement at the current time. */
export const measurement = (fields: Omit<Measurement, 'at'>): Measurement => ({ ...fields, at: new Date().toISOString() });
