// Injected faults: the GitHub failures an orchestrator must survive (5xx, resets, slow
// answers, secondary rate limits, lost responses), each for a bounded number of requests.
import type { FaultSpec } from '../types.js';

interface ActiveFault {
  id: number;
  spec: FaultSpec;
  pattern: RegExp;
  remaining: number;
  /** Matching requests still to let through before the fault applies. */
  skip: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): number {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new Error('fault.times must be a positive integer');
    if (spec.status === undefined && !spec.resetConnection && spec.delayMs === undefined) {
      throw new Error('a fault needs status, resetConnection or delayMs');
    }
    const skip = spec.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new Error('fault.skip must be a non-negative integer');
    const fault = { id: this.nextId++, spec: { ...spec }, pattern: new RegExp(spec.path), remaining: spec.times, skip };
    this.faults.push(fault);
    return fault.id;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this request, used up by one. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.spec.method || f.spec.method.toUpperCase() === method) && f.pattern.test(path),
    );
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    fault.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault.spec;
  }

  pending(): Array<FaultSpec & { id: number; remaining: number }> {
    return this.faults.map((f) => ({ ...f.spec, id: f.id, remaining: f.remaining, skip: f.skip }));
  }
}
