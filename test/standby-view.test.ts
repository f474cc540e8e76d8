// The hot standby in one line (views/standby.ts), as the CLI (with the clock) and the Web UI's
// current details (without it) show it; the reason is untrusted text and shows inert. Pure.
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../contract/types.js';
import { standbyLine } from '../views/standby.js';

const at = '2026-12-07T03:10:04.000Z';
const now = Date.parse(at) + 3_000;
type Shown = Pick<DeploymentStatus, 'standby' | 'outcome'>;

describe('standbyLine', () => {
  it('says healthy and how long ago, or when, it was probed', () => {
    const s: Shown = { standby: { color: 'blue', healthy: true, probedAt: at } };
    expect(standbyLine(s, now)).toBe('standby blue: healthy (probed 3s ago)');
    expect(standbyLine(s)).toBe('standby blue: healthy (probed at 03:10:04 UTC)');
  });

  it('says unhealthy with the reason, one inert line, and a held rollback', () => {
    const s: Shown = {
      standby: {
        color: 'blue',
        healthy: false,
        probedAt: at,
        reason: 'health: HTTP 503\n\u001b[31mfrom http://blue/health',
        held: { since: at, until: at, reason: 'r' },
      },
    };
    expect(standbyLine(s, now)).toBe(
      'standby blue: unhealthy: health: HTTP 503 from http://blue/health (probed 3s ago); rollback held',
    );
  });

  it('before the first report, and nothing once the deployment ended or without a standby', () => {
    expect(standbyLine({ standby: { color: 'green' } }, now)).toBe('standby green: under probe, no report yet');
    expect(standbyLine({ standby: { color: 'blue', healthy: true, probedAt: at }, outcome: 'SUCCEEDED' }, now)).toBeUndefined();
    expect(standbyLine({}, now)).toBeUndefined();
  });
});
