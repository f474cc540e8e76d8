// An ALB in moto with the shape the alb switch drives: a load balancer, a blue and a green target
// group, a listener, and a host-header rule forwarding 100/0 to them. Shared by the lab's ALB
// world, its tests and the role-assumption test.
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { MotoServer } from './moto.js';
import type { Color } from './types.js';

export interface WeightedAlbRule {
  elb: ElasticLoadBalancingV2Client;
  listenerArn: string;
  ruleArn: string;
  targetGroups: Record<Color, string>;
}

/** Creates the ALB `name` (also the target groups' prefix: `<name>-blue`) with a rule for `host`. */
export async function createWeightedAlbRule(moto: MotoServer, name: string, host: string): Promise<WeightedAlbRule> {
  const elb = new ElasticLoadBalancingV2Client(moto.clientConfig);
  const subnets = await moto.defaultSubnetIds();
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name, Type: 'application', Subnets: subnets.slice(0, 2) })))
    .LoadBalancers![0]!;
  const group = async (color: Color) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: `${name}-${color}`,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: lb.VpcId!,
          TargetType: 'ip',
        }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
  const targetGroups = { blue: await group('blue'), green: await group('green') };
  const listenerArn = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn!,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroups.blue }],
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  const ruleArn = (
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'host-header', Values: [host] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: targetGroups.blue, Weight: 100 },
                { TargetGroupArn: targetGroups.green, Weight: 0 },
              ],
            },
          },
        ],
      }),
    )
  ).Rules![0]!.RuleArn!;
  return { elb, listenerArn, ruleArn, targetGroups };
}
