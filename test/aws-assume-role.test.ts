// The alb and route53 switches acting as a role the worker's policy names (STS AssumeRole through
// @aws-sdk/credential-providers), against moto with its IAM checks on: the worker's own identity
// may only assume the role, the role may do exactly what examples/iam/*-switch-policy.json allow
// (the policies docs/switches.md gives). moto 5 matches a policy's actions, not its resources (it
// authorises ELB and Route 53 calls against "*"), so the test policies keep the actions and widen
// the resources; it checks a trust policy's sts:ExternalId when one is sent.
import { readFileSync } from 'node:fs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWeightedAlbRule } from '../lab/moto-alb.js';
import { startMoto, type MotoServer } from '../lab/moto.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { createAlbActivities } from '../switches/alb/activities.js';
import { readAlbWeights } from '../switches/alb/aws.js';
import { createRoute53Activities } from '../switches/route53/activities.js';
import { readRoute53Weights } from '../switches/route53/aws.js';
import { parseWorkerPolicy } from '../worker/policy.js';

const ROOT = new URL('..', import.meta.url);
const EXTERNAL_ID = 'bluegreen-test-7f3a';

/** An example IAM policy with every Resource widened to "*" (moto authorises these services against "*"). */
function examplePolicyForMoto(file: string): object {
  const policy = JSON.parse(readFileSync(new URL(`examples/iam/${file}`, ROOT), 'utf8')) as {
    Statement: Array<Record<string, unknown>>;
  };
  return { ...policy, Statement: policy.Statement.map(({ Condition: _c, ...s }) => ({ ...s, Resource: '*' })) };
}

const actionsOf = (policy: object): string[] =>
  (policy as { Statement: Array<{ Action: string | string[] }> }).Statement.flatMap((s) => s.Action);

const missing = inject('motoMissing');
if (missing) console.warn(`test/aws-assume-role.test.ts: skipped: ${missing}`);

describe.skipIf(missing !== '')('AWS switches assume the role the worker policy names (moto with IAM checks)', () => {
  let moto: MotoServer;
  let roleArn: string;
  let admin: { accessKeyId: string; secretAccessKey: string };
  let alb: { ruleArn: string; targetGroups: { blue: string; green: string } };
  let records: { hostedZoneId: string; name: string };
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };

  beforeAll(async () => {
    moto = await startMoto();
    // Everything below is set up before moto checks anyone (it starts checking at requireAuth).
    const { ruleArn, targetGroups } = await createWeightedAlbRule(moto, 'bg-role', 'app.example.com');
    alb = { ruleArn, targetGroups };

    const r53 = new Route53Client(moto.clientConfig);
    const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'role.example.com', CallerReference: 'bg-role' }));
    records = { hostedZoneId: zone.HostedZone!.Id!.replace(/^\/hostedzone\//, ''), name: 'app.role.example.com' };
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: records.hostedZoneId,
        ChangeBatch: {
          Changes: (['blue', 'green'] as const).map((color) => ({
            Action: 'CREATE' as const,
            ResourceRecordSet: {
              Name: records.name,
              Type: 'CNAME' as const,
              SetIdentifier: color,
              Weight: color === 'blue' ? 100 : 0,
              TTL: 1,
              ResourceRecords: [{ Value: `${color}.role.example.com` }],
            },
          })),
        },
      }),
    );

    const worker = await moto.iamUser('bluegreen-worker', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::123456789012:role/bluegreen-switch' }],
    });
    admin = (
      await moto.iamUser('test-admin', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })
    ).credentials;
    const albPolicy = examplePolicyForMoto('alb-switch-policy.json');
    const route53Policy = examplePolicyForMoto('route53-switch-policy.json');
    roleArn = await moto.iamRole(
      'bluegreen-switch',
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: worker.arn },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
          },
        ],
      },
      { Version: '2012-10-17', Statement: [albPolicy, route53Policy].flatMap((p) => (p as { Statement: object[] }).Statement) },
    );
    expect(actionsOf(albPolicy)).toEqual([
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:ModifyRule',
    ]);
    await moto.requireAuth();
    // The default credential chain of the activities reads these: the worker's own identity.
    process.env['AWS_ACCESS_KEY_ID'] = worker.credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = worker.credentials.secretAccessKey;
  });

  afterAll(async () => {
    for (const [key, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await moto?.close();
  });

  const adminElb = () => new ElasticLoadBalancingV2Client({ ...moto.clientConfig, credentials: admin });
  const adminRoute53 = () => new Route53Client({ ...moto.clientConfig, credentials: admin });

  /** The worker policy's alb and route53 sections, with `assumeRole` as given. */
  function policy(assumeRole: string) {
    const access = `  region: us-east-1\n  endpoint: "${moto.url}"\n${assumeRole}`;
    return parseWorkerPolicy(
      `${LAB_WORKER_POLICY_YAML}
alb:
${access}
  rules: ["${alb.ruleArn}"]
  targetGroups: ["${alb.targetGroups.blue}", "${alb.targetGroups.green}"]
route53:
${access}
  zones: [{ id: ${records.hostedZoneId}, names: ["${records.name}"] }]
`,
      'test policy',
    );
  }
  const role = (externalId: string) =>
    `  assumeRole:\n    roleArn: "${roleArn}"\n    externalId: ${externalId}\n    sessionName: bluegreen-test\n    stsEndpoint: "${moto.url}"\n`;

  const albInput = (color: 'blue' | 'green') => ({ target: alb, color, percent: 100 });
  const route53Input = (color: 'blue' | 'green') => ({
    target: { ...records, recordType: 'CNAME' as const, setIdentifiers: { blue: 'blue', green: 'green' } },
    color,
    percent: 100,
  });

  async function failure(call: Promise<unknown>): Promise<ApplicationFailure> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }

  it('the worker with its own identity only (no assumeRole) is refused by AWS, not retried, the rule untouched', async () => {
    const { switchViaAlb } = createAlbActivities({ policy: policy('') });
    const err = await failure(switchViaAlb(albInput('green')));
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toMatch(/user\/bluegreen-worker is not authorized to perform: elasticloadbalancing:DescribeRules/);
    expect(await readAlbWeights(adminElb(), alb)).toEqual({ blue: 100, green: 0 });
  });

  it('a wrong external id: AssumeRole is refused, the error names the role, not retried', async () => {
    const { switchViaAlb } = createAlbActivities({ policy: policy(role('not-the-right-id')) });
    const err = await failure(switchViaAlb(albInput('green')));
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain(`assuming role ${roleArn}`);
    expect(await readAlbWeights(adminElb(), alb)).toEqual({ blue: 100, green: 0 });
  });

  it('alb: as the role (external id given) the example policy is enough to reweight the rule, and back', async () => {
    const { switchViaAlb } = createAlbActivities({ policy: policy(role(EXTERNAL_ID)) });
    const result = await switchViaAlb(albInput('green'));
    expect(result).toMatchObject({ before: { blue: 100, green: 0 }, after: { blue: 0, green: 100 }, wrote: true });
    expect(await readAlbWeights(adminElb(), alb)).toEqual({ blue: 0, green: 100 });
    // The cached client reuses the role's credentials for the next call.
    expect(await switchViaAlb(albInput('blue'))).toMatchObject({ after: { blue: 100, green: 0 }, wrote: true });
    expect(await switchViaAlb(albInput('blue'))).toMatchObject({ wrote: false });
  });

  it('route53: as the role the example policy is enough to reweight the records and wait for INSYNC', async () => {
    const { switchViaRoute53 } = createRoute53Activities({ policy: policy(role(EXTERNAL_ID)), minDelaySeconds: 1 });
    const result = await switchViaRoute53(route53Input('green'));
    expect(result).toMatchObject({ after: { blue: 0, green: 100 }, wrote: true, ttlSeconds: 1 });
    expect((await readRoute53Weights(adminRoute53(), records)).weights).toEqual({ blue: 0, green: 100 });
    const own = createRoute53Activities({ policy: policy('') });
    const err = await failure(own.switchViaRoute53(route53Input('blue')));
    // moto's 403 for Route 53 is not in Route 53's error shape: the SDK names it UnknownError.
    expect(err.nonRetryable).toBe(true);
    expect((await readRoute53Weights(adminRoute53(), records)).weights).toEqual({ blue: 0, green: 100 });
  });

  it('the policy refuses a role ARN that is not one, with the field and an example', () => {
    expect(() => parseWorkerPolicy(`alb:\n  assumeRole: { roleArn: "bluegreen-switch" }\n`, 'bluegreen-worker.yaml')).toThrow(
      /alb\.assumeRole\.roleArn.*expected a role ARN like "arn:aws:iam::123456789012:role\/bluegreen-switch"/s,
    );
  });
});
