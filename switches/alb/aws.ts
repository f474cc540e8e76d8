// The alb switch's provider calls (AWS SDK v3): the blue and green target groups' weights in the
// forward action of an Application Load Balancer listener rule, or of a listener's default action.
// Shaped like Argo Rollouts' ALB router: read the action, compute the desired one, write only when
// the traffic split differs (ModifyRule / ModifyListener), then confirm by reading it back, so an
// activity retry or a worker killed mid-call repeats nothing. ALB weights are 0..999 and relative;
// the switch writes the percentages themselves (blue 10, green 90).
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
  type TargetGroupTuple,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Color } from '../../contract/types.js';
import { checkWeights, confirmWeights, sameWeights, type ColorWeights, type WeightChange } from '../weights.js';

/** Where the weighted forward action is: a listener rule, or a listener's default action. */
export type AlbTarget = ({ ruleArn: string; listenerArn?: never } | { listenerArn: string; ruleArn?: never }) & {
  /** The target groups' ARNs, per color. */
  targetGroups: Record<Color, string>;
};

const where = (target: AlbTarget): string =>
  target.ruleArn !== undefined ? `ALB listener rule ${target.ruleArn}` : `ALB listener ${target.listenerArn}'s default action`;

/** The rule's actions, or the listener's default actions, as AWS holds them now. */
async function readActions(client: ElasticLoadBalancingV2Client, target: AlbTarget): Promise<Action[]> {
  if (target.ruleArn !== undefined) {
    const { Rules } = await client.send(new DescribeRulesCommand({ RuleArns: [target.ruleArn] }));
    const rule = Rules?.[0];
    if (!rule) throw new Error(`${where(target)} was not found`);
    // AWS changes a default rule's actions only through ModifyListener.
    if (rule.IsDefault) throw new Error(`${where(target)} is its listener's default rule: name the listener instead of the rule`);
    return rule.Actions ?? [];
  }
  const { Listeners } = await client.send(new DescribeListenersCommand({ ListenerArns: [target.listenerArn] }));
  const listener = Listeners?.[0];
  if (!listener) throw new Error(`${where(target)} was not found`);
  return listener.DefaultActions ?? [];
}

/**
 * The target groups a forward action sends to, with their weights. An action naming one target
 * group (TargetGroupArn, no ForwardConfig) sends it everything; a tuple without a weight counts 1,
 * as for a rule created without weights.
 */
function forwardGroups(action: Action): Array<{ arn: string; weight: number }> {
  const tuples = action.ForwardConfig?.TargetGroups;
  if (tuples?.length) return tuples.map((t) => ({ arn: t.TargetGroupArn ?? '', weight: t.Weight ?? 1 }));
  return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

function forwardAction(actions: Action[], target: AlbTarget): Action {
  const forwards = actions.filter((a) => a.Type === 'forward');
  if (forwards.length !== 1)
    throw new Error(`${where(target)} has ${forwards.length} forward actions; the alb switch needs exactly one`);
  return forwards[0]!;
}

/** Percent per color from the action's raw weights; refuses a split that sends traffic elsewhere too. */
function shareOf(action: Action, target: AlbTarget): ColorWeights {
  const groups = forwardGroups(action);
  const raw = { blue: 0, green: 0 };
  for (const group of groups) {
    if (group.arn === target.targetGroups.blue) raw.blue += group.weight;
    else if (group.arn === target.targetGroups.green) raw.green += group.weight;
    else if (group.weight > 0) {
      throw new Error(
        `${where(target)} also forwards to ${group.arn} (weight ${group.weight}), which is neither the blue nor the green target group`,
      );
    }
  }
  const total = raw.blue + raw.green;
  if (total === 0) throw new Error(`${where(target)} forwards to neither the blue nor the green target group`);
  const blue = Math.round((raw.blue * 100) / total);
  return { blue, green: 100 - blue };
}

/** The traffic split of the forward action, in percent per color. */
export async function readAlbWeights(client: ElasticLoadBalancingV2Client, target: AlbTarget): Promise<ColorWeights> {
  return shareOf(forwardAction(await readActions(client, target), target), target);
}

/**
 * The actions with the forward action's blue and green weights replaced: other target groups
 * (weight 0, see shareOf) and the stickiness setting stay, as do the other actions. TargetGroupArn
 * goes: with it AWS accepts only a one-group ForwardConfig.
 */
function withWeights(actions: Action[], target: AlbTarget, wanted: ColorWeights): Action[] {
  return actions.map((action) => {
    if (action.Type !== 'forward') return action;
    const others: TargetGroupTuple[] = forwardGroups(action)
      .filter((g) => g.arn !== target.targetGroups.blue && g.arn !== target.targetGroups.green)
      .map((g) => ({ TargetGroupArn: g.arn, Weight: g.weight }));
    const { TargetGroupArn: _single, ...rest } = action;
    return {
      ...rest,
      ForwardConfig: {
        ...action.ForwardConfig,
        TargetGroups: [
          { TargetGroupArn: target.targetGroups.blue, Weight: wanted.blue },
          { TargetGroupArn: target.targetGroups.green, Weight: wanted.green },
          ...others,
        ],
      },
    };
  });
}

/** Sets the split to `wanted` unless the forward action already has it; confirms by reading back. */
export async function setAlbWeights(
  client: ElasticLoadBalancingV2Client,
  target: AlbTarget,
  wanted: ColorWeights,
): Promise<WeightChange> {
  checkWeights(wanted);
  const actions = await readActions(client, target);
  const before = shareOf(forwardAction(actions, target), target);
  if (sameWeights(before, wanted)) return { before, after: before, wrote: false };
  const next = withWeights(actions, target, wanted);
  if (target.ruleArn !== undefined) await client.send(new ModifyRuleCommand({ RuleArn: target.ruleArn, Actions: next }));
  else await client.send(new ModifyListenerCommand({ ListenerArn: target.listenerArn, DefaultActions: next }));
  const after = confirmWeights(where(target), wanted, await readAlbWeights(client, target));
  return { before, after, wrote: true };
}
