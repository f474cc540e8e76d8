// The weighted switches' provider calls against real components: the AWS SDK v3 talking to moto
// in server mode (an ALB with two target groups behind a weighted forward rule; a hosted zone with
// blue and green weighted records), and HAProxy's Runtime API with real HTTP traffic through its
// frontend. Each setting is read back, and setting what is already there writes nothing.
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startHaproxy, type HaproxyServer } from '../lab/haproxy.js';
import { listen, sendText, type ListeningServer } from '../lab/http.js';
import { startMoto, type MotoServer } from '../lab/moto.js';
import { readAlbWeights, setAlbWeights, type AlbTarget } from '../switches/alb/aws.js';
import { readHaproxyWeights, setHaproxyWeights, type HaproxyTarget } from '../switches/haproxy/runtime.js';
import { readRoute53Weights, setRoute53Weights, type Route53Target } from '../switches/route53/aws.js';
import { weightsFor } from '../switches/weights.js';

function skipped(file: string, missing: string): boolean {
  if (missing) console.warn(`${file}: skipped: ${missing}`);
  return missing !== '';
}

/** What recordCommands needs of an AWS SDK v3 client. */
interface WithMiddleware {
  middlewareStack: {
    add(
      middleware: (
        next: (args: never) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: never) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** The names of the commands a client sent, in order (an initialize-step middleware). */
function recordCommands(client: WithMiddleware): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return sent;
}

const GREEN_STEPS = [10, 50, 100];

describe.skipIf(skipped('test/traffic-providers.test.ts', inject('motoMissing')))('AWS provider calls on moto', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMoto();
  });
  beforeEach(async () => {
    await moto.reset();
  });
  afterAll(async () => {
    await moto?.close();
  });

  async function albWithWeightedRule(elb: ElasticLoadBalancingV2Client) {
    const subnets = await moto.defaultSubnetIds();
    const { LoadBalancers } = await elb.send(
      new CreateLoadBalancerCommand({ Name: 'datatruck', Type: 'application', Subnets: subnets.slice(0, 2) }),
    );
    const lb = LoadBalancers![0]!;
    const group = async (name: string) =>
      (
        await elb.send(
          new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: lb.VpcId!, TargetType: 'ip' }),
        )
      ).TargetGroups![0]!.TargetGroupArn!;
    const blue = await group('datatruck-blue');
    const green = await group('datatruck-green');
    const { Listeners } = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn!,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
      }),
    );
    const listenerArn = Listeners![0]!.ListenerArn!;
    const { Rules } = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'host-header', Values: ['datatruck.example.com'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 100 },
                { TargetGroupArn: green, Weight: 0 },
              ],
            },
          },
        ],
      }),
    );
    return { vpcId: lb.VpcId!, listenerArn, ruleArn: Rules![0]!.RuleArn!, targetGroups: { blue, green } };
  }

  it('ALB: a listener rule goes 10/50/100 % green, each read back; the same weights again write nothing', async () => {
    const elb = new ElasticLoadBalancingV2Client(moto.clientConfig);
    const alb = await albWithWeightedRule(elb);
    const target: AlbTarget = { ruleArn: alb.ruleArn, targetGroups: alb.targetGroups };
    const sent = recordCommands(elb);
    expect(await readAlbWeights(elb, target)).toEqual({ blue: 100, green: 0 });

    for (const percent of GREEN_STEPS) {
      const change = await setAlbWeights(elb, target, weightsFor('green', percent));
      expect(change.wrote).toBe(true);
      expect(change.after).toEqual({ blue: 100 - percent, green: percent });
      expect(await readAlbWeights(elb, target)).toEqual({ blue: 100 - percent, green: percent });
    }
    expect(sent.filter((c) => c === 'ModifyRuleCommand')).toHaveLength(3);

    // The rule's raw weights on the provider are the percentages, the condition untouched.
    const { Rules } = await elb.send(new DescribeRulesCommand({ RuleArns: [alb.ruleArn] }));
    expect(Rules![0]!.Actions![0]!.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: alb.targetGroups.blue, Weight: 0 },
      { TargetGroupArn: alb.targetGroups.green, Weight: 100 },
    ]);
    expect(Rules![0]!.Conditions![0]!.Values).toEqual(['datatruck.example.com']);

    // A retry after the write (an activity retried, a worker killed after the call) reads and stops.
    sent.length = 0;
    const again = await setAlbWeights(elb, target, weightsFor('green', 100));
    expect(again).toEqual({ before: { blue: 0, green: 100 }, after: { blue: 0, green: 100 }, wrote: false });
    expect(sent).toEqual(['DescribeRulesCommand']);

    // Back to blue at once (a rollback).
    expect((await setAlbWeights(elb, target, weightsFor('blue', 100))).after).toEqual({ blue: 100, green: 0 });
  });

  it("ALB: a listener's default action naming one target group becomes a weighted forward", async () => {
    const elb = new ElasticLoadBalancingV2Client(moto.clientConfig);
    const alb = await albWithWeightedRule(elb);
    const target: AlbTarget = { listenerArn: alb.listenerArn, targetGroups: alb.targetGroups };
    const sent = recordCommands(elb);
    expect(await readAlbWeights(elb, target)).toEqual({ blue: 100, green: 0 });
    expect((await setAlbWeights(elb, target, weightsFor('green', 10))).after).toEqual({ blue: 90, green: 10 });
    expect((await setAlbWeights(elb, target, weightsFor('green', 10))).wrote).toBe(false);
    expect(sent.filter((c) => c === 'ModifyListenerCommand')).toHaveLength(1);
  });

  it("ALB: a listener's default rule named as a rule is refused with what to name instead (AWS changes it only through ModifyListener)", async () => {
    const elb = new ElasticLoadBalancingV2Client(moto.clientConfig);
    const alb = await albWithWeightedRule(elb);
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: alb.listenerArn }));
    const defaultRule = Rules!.find((r) => r.IsDefault)!;
    const sent = recordCommands(elb);
    await expect(
      setAlbWeights(elb, { ruleArn: defaultRule.RuleArn!, targetGroups: alb.targetGroups }, weightsFor('green', 10)),
    ).rejects.toThrow(/is its listener's default rule: name the listener instead of the rule/);
    expect(sent).toEqual(['DescribeRulesCommand']);
  });

  it('ALB: a forward rule that also sends traffic to a third group is refused, not rewritten', async () => {
    const elb = new ElasticLoadBalancingV2Client(moto.clientConfig);
    const alb = await albWithWeightedRule(elb);
    await setAlbWeights(elb, { ruleArn: alb.ruleArn, targetGroups: alb.targetGroups }, weightsFor('green', 50));
    const sent = recordCommands(elb);
    const other = (
      await elb.send(
        new CreateTargetGroupCommand({ Name: 'other', Protocol: 'HTTP', Port: 8080, VpcId: alb.vpcId, TargetType: 'ip' }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
    const target: AlbTarget = { ruleArn: alb.ruleArn, targetGroups: { blue: alb.targetGroups.blue, green: other } };
    await expect(setAlbWeights(elb, target, weightsFor('green', 10))).rejects.toThrow(
      /also forwards to .*datatruck-green.* \(weight 50\), which is neither the blue nor the green/,
    );
    expect(sent).not.toContain('ModifyRuleCommand');
  });

  it('Route 53: weighted records go 10/50/100 % green, INSYNC and read back, TTL reported; the same weights again write nothing', async () => {
    const r53 = new Route53Client(moto.clientConfig);
    const { HostedZone } = await r53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `bg-${Date.now()}` }),
    );
    const target: Route53Target = { hostedZoneId: HostedZone!.Id!, name: 'datatruck.example.com' };
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: target.hostedZoneId,
        ChangeBatch: {
          Changes: [
            // A record of another name sorted right after ours: the read stops at our name.
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'datatruck2.example.com',
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: 'x.example.net' }],
              },
            },
            ...(['blue', 'green'] as const).map((color) => ({
              Action: 'CREATE' as const,
              ResourceRecordSet: {
                Name: 'datatruck.example.com',
                Type: 'CNAME' as const,
                SetIdentifier: color,
                Weight: color === 'blue' ? 100 : 0,
                TTL: 30,
                ResourceRecords: [{ Value: `${color}.datatruck.example.net` }],
              },
            })),
          ],
        },
      }),
    );
    const sent = recordCommands(r53);
    expect(await readRoute53Weights(r53, target)).toEqual({ weights: { blue: 100, green: 0 }, ttlSeconds: 30 });

    for (const percent of GREEN_STEPS) {
      const change = await setRoute53Weights(r53, target, weightsFor('green', percent));
      expect(change).toMatchObject({ wrote: true, after: { blue: 100 - percent, green: percent }, ttlSeconds: 30 });
      expect(change.changeId).toMatch(/^\/change\//);
    }
    // One batch per step and a GetChange after each (moto answers INSYNC at once).
    expect(sent.filter((c) => c === 'ChangeResourceRecordSetsCommand')).toHaveLength(3);
    expect(sent.filter((c) => c === 'GetChangeCommand')).toHaveLength(3);

    // Only the weights changed: the records keep their values and TTL.
    const { ResourceRecordSets } = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: target.hostedZoneId,
        StartRecordName: 'datatruck.example.com',
        StartRecordType: 'CNAME',
      }),
    );
    expect(ResourceRecordSets!.slice(0, 2)).toEqual([
      {
        Name: 'datatruck.example.com.',
        Type: 'CNAME',
        SetIdentifier: 'blue',
        Weight: 0,
        TTL: 30,
        ResourceRecords: [{ Value: 'blue.datatruck.example.net' }],
      },
      {
        Name: 'datatruck.example.com.',
        Type: 'CNAME',
        SetIdentifier: 'green',
        Weight: 100,
        TTL: 30,
        ResourceRecords: [{ Value: 'green.datatruck.example.net' }],
      },
    ]);

    sent.length = 0;
    const again = await setRoute53Weights(r53, target, weightsFor('green', 100));
    expect(again).toEqual({ before: { blue: 0, green: 100 }, after: { blue: 0, green: 100 }, wrote: false, ttlSeconds: 30 });
    expect(sent).toEqual(['ListResourceRecordSetsCommand']);
  });

  it('Route 53: a missing color record is an error naming it, and nothing is written', async () => {
    const r53 = new Route53Client(moto.clientConfig);
    const { HostedZone } = await r53.send(
      new CreateHostedZoneCommand({ Name: 'example.org', CallerReference: `bg-${Date.now()}` }),
    );
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: HostedZone!.Id!,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'app.example.org',
                Type: 'CNAME',
                SetIdentifier: 'blue',
                Weight: 1,
                TTL: 60,
                ResourceRecords: [{ Value: 'b.example.net' }],
              },
            },
          ],
        },
      }),
    );
    const sent = recordCommands(r53);
    await expect(
      setRoute53Weights(r53, { hostedZoneId: HostedZone!.Id!, name: 'app.example.org' }, weightsFor('green', 10)),
    ).rejects.toThrow(/app\.example\.org\. CNAME .*no record set with SetIdentifier "green"/);
    expect(sent).not.toContain('ChangeResourceRecordSetsCommand');
  });
});

describe.skipIf(skipped('test/traffic-providers.test.ts', inject('haproxyMissing')))(
  'HAProxy Runtime API with real traffic',
  () => {
    let apps: Record<'blue' | 'green', ListeningServer>;
    let haproxy: HaproxyServer;
    let target: HaproxyTarget;

    beforeAll(async () => {
      const app = (color: string) => listen((_req, res) => sendText(res, 200, color));
      apps = { blue: await app('blue'), green: await app('green') };
      haproxy = await startHaproxy({ servers: { blue: apps.blue.port, green: apps.green.port } });
      target = { socket: haproxy.socket, backend: haproxy.backend };
    });
    afterAll(async () => {
      await haproxy?.close();
      await Promise.all(Object.values(apps ?? {}).map((a) => a.close()));
    });

    /** `count` requests through the frontend, one after another; the share of each color's answers. */
    async function greenShare(count = 200): Promise<number> {
      let green = 0;
      for (let i = 0; i < count; i++) {
        const res = await fetch(haproxy.url, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        expect(res.status).toBe(200);
        if (body === 'green') green++;
        else expect(body).toBe('blue');
      }
      return (green * 100) / count;
    }

    it('the traffic share through the frontend follows the weights 10/50/100 % green; the same weights again write nothing', async () => {
      expect(await readHaproxyWeights(target)).toEqual({ blue: 100, green: 0 });
      expect(await greenShare()).toBe(0);
      for (const percent of GREEN_STEPS) {
        const change = await setHaproxyWeights(target, weightsFor('green', percent));
        expect(change).toMatchObject({ wrote: true, after: { blue: 100 - percent, green: percent } });
        expect(await haproxy.command(`get weight ${haproxy.backend}/green`)).toBe(`${percent} (initial 0)`);
        // Round robin over weights is exact over a whole cycle: a tolerance of 3 points is ample.
        expect(Math.abs((await greenShare()) - percent)).toBeLessThanOrEqual(3);
      }
      const again = await setHaproxyWeights(target, weightsFor('green', 100));
      expect(again).toEqual({ before: { blue: 0, green: 100 }, after: { blue: 0, green: 100 }, wrote: false });
      // Back to blue at once (a rollback).
      await setHaproxyWeights(target, weightsFor('blue', 100));
      expect(await greenShare(50)).toBe(0);
    });

    it("HAProxy's refusals come back as errors: an unknown server, a name that would smuggle a second command", async () => {
      await expect(readHaproxyWeights({ ...target, servers: { green: 'nope' } })).rejects.toThrow(
        /get weight app\/nope: No such server/,
      );
      await expect(readHaproxyWeights({ ...target, backend: 'app;disable server app/blue' })).rejects.toThrow(
        /characters HAProxy names cannot have/,
      );
    });
  },
);
