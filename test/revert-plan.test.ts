// What `bluegreen revert` would start, as a function of the reverted deployment's final status
// and plan: a switch back when the old color is warm, a redeploy of the previous SHA otherwise,
// a refusal in one sentence when neither is possible.
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../client/config.js';
import { resolvePlan } from '../client/plan.js';
import { revertPlanFor } from '../client/revert-plan.js';
import type { DeploymentPlan, DeploymentStatus, PhaseStatus } from '../contract/types.js';
import { MINIMAL_CONFIG } from './support/configs.js';

const last: DeploymentPlan = resolvePlan(
  parseConfigText(
    stringify({
      ...MINIMAL_CONFIG,
      approval: { required: true, approvers: ['alice'] },
      hooks: { preSwitch: [{ name: 'migrate', workflow: 'migrate.yml' }] },
      windows: [{ days: 'mon-fri', hours: '09:00-17:00' }],
    }),
    'bluegreen.yaml',
    {},
  ),
  { requestedBy: 'olivia', deploymentId: 'api-1' },
);

const SHA_OLD = 'a'.repeat(40);
const SHA_NEW = 'b'.repeat(40);
const status = (sync: PhaseStatus['state'], extra: Partial<DeploymentStatus> = {}): DeploymentStatus => ({
  service: 'api',
  deploymentId: 'api-1',
  phase: 'done',
  activeColor: 'blue',
  targetColor: 'green',
  sha: SHA_NEW,
  requestedBy: 'olivia',
  startedAt: '2026-12-01T10:00:00.000Z',
  outcome: 'SUCCEEDED',
  phases: [{ name: 'sync', state: sync }],
  approvals: [],
  approvers: ['alice'],
  ...extra,
});
const request = { by: 'carol', reason: 'checkout broken', deploymentId: 'api-2' };

describe('revertPlanFor', () => {
  it('old color warm (recorded by the workflow): switch back, no redeploy, no gate, no hooks, no sync, no windows', () => {
    const decision = revertPlanFor(status('succeeded', { previous: { color: 'blue', sha: SHA_OLD, warm: true } }), last, request);
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.plan).toMatchObject({
      deploymentId: 'api-2',
      requestedBy: 'carol',
      requestedColor: 'blue',
      sync: { enabled: false, redeploy: false },
      hooks: { preSwitch: [], postSync: [] },
      approval: { required: false },
      revert: { of: 'api-1', color: 'blue', sha: SHA_OLD, warm: true, reason: 'checkout broken' },
    });
    expect(decision.plan.switchWindows).toBeUndefined();
    expect(decision.summary).toBe(
      'revert of api-1 (green → blue): switch traffic back to blue, which still runs aaaaaaa: verify blue, switch, monitor (no redeploy)',
    );
  });

  it('old color redeployed by sync: deploy the previous SHA again, through the approval gate', () => {
    const decision = revertPlanFor(
      status('succeeded', { previous: { color: 'blue', sha: SHA_OLD, warm: false } }),
      last,
      request,
    );
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.plan.approval).toMatchObject({ required: true, approvers: ['alice'] });
    expect(decision.plan.revert).toMatchObject({ warm: false, sha: SHA_OLD });
    expect(decision.summary).toMatch(/deploy aaaaaaa \(what blue ran before api-1\) to blue, verify, approval, switch, monitor$/);
  });

  it('deployments of older workers: a skipped sync means warm; a sync that ran without a recorded SHA is refused', () => {
    expect(revertPlanFor(status('skipped'), last, request)).toMatchObject({ ok: true, plan: { revert: { warm: true } } });
    expect(revertPlanFor(status('succeeded'), last, request)).toEqual({
      ok: false,
      message:
        'blue no longer runs what it ran before api-1 (sync redeployed it) and the SHA it ran is not recorded: deploy that SHA with `bluegreen deploy --color blue`',
    });
  });

  it('nothing to revert: rolled back, or past the point of no return', () => {
    expect(revertPlanFor(status('skipped', { outcome: 'ROLLED_BACK' }), last, request)).toEqual({
      ok: false,
      message:
        'the last deployment of api (api-1) ended ROLLED_BACK (traffic went back to blue then): there is nothing to revert',
    });
    expect(revertPlanFor(status('skipped', { pointOfNoReturn: true }), last, request)).toMatchObject({ ok: false });
  });
});
