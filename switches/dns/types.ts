// The plan and activity contracts of the `dns` switch (RFC 2136 update signed with TSIG) and
// of the DNS check that follows every switch when `dns` is configured.
import type { Color, DnsPlan, NameserverAnswer } from '../../contract/types.js';
import type { TrafficStepsPlan } from '../steps.js';

/** RFC 2136 dynamic update of `dns.record`, signed with TSIG. */
/** Moves all traffic at once: its client refuses `steps` (the fields are there for the shared plan shape). */
export interface DnsSwitchPlan extends TrafficStepsPlan {
  type: 'dns';
  /** host:port the update is sent to; absent: the zone's primary (SOA MNAME), port 53. */
  server?: string;
  /** The secret is read from the worker's environment variable `secretEnv`, never carried here. */
  tsig: { keyName: string; algorithm: string; secretEnv: string };
  /** How long a failing update is retried (it is idempotent) before the switch fails. */
  updateTimeoutMs: number;
  verifyTimeoutMs: number;
}

export interface DnsSwitchInput {
  dns: DnsPlan;
  color: Color;
  /** host:port the update goes to; absent: the zone's primary (SOA MNAME). */
  server?: string;
  /** The secret itself is read from the worker's environment variable `secretEnv`. */
  tsig: { keyName: string; algorithm: string; secretEnv: string };
}

export interface DnsSwitchResult {
  /** Where the update went (host:port). */
  server: string;
  /** false when the record already named the target: nothing was sent. */
  changed: boolean;
  /** What the record held before, e.g. "CNAME blue.example.com". */
  previous: string;
  /** TTL of the record before the change: how long resolvers may keep the old answer. */
  previousTtl?: number;
  /** TTL written (or kept). */
  ttl: number;
}

export interface VerifyDnsInput {
  dns: DnsPlan;
  color: Color;
  /** The public color endpoint, reached at the address the record resolves to. */
  publicUrl: string;
  colorPath: string;
  timeoutMs: number;
  intervalMs: number;
}

export interface VerifyDnsResult {
  ok: boolean;
  /** The record the color needs, e.g. "CNAME green.example.com". */
  expected: string;
  /** The last answer of each authoritative server. */
  nameservers: NameserverAnswer[];
  /** TTL of the record as served once confirmed. */
  ttl?: number;
  /** Largest TTL seen on an answer that was not the target's: what caches may still hold. */
  staleTtl?: number;
  /** When every nameserver answered the target and the endpoint the right color. */
  confirmedAt?: string;
  /** The public endpoint check, in words. */
  endpoint?: string;
  /** Why it is not confirmed, when ok is false. */
  lastProblem?: string;
  elapsedMs: number;
}

// This type's plan in the contract's DeploymentPlan (switches/registry.ts checks the two agree).
declare module '../../contract/plugin-plans.js' {
  interface SwitchPlans {
    dns: DnsSwitchPlan;
  }
}
