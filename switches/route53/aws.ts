// The route53 switch's provider calls (AWS SDK v3): the weights of the public name's two weighted
// record sets (SetIdentifier blue and green) in a hosted zone. Read both, UPSERT only those whose
// weight differs, in one change batch (Route 53 applies a batch all or nothing), wait until the
// change is INSYNC on every Route 53 name server (GetChange), then read back. Route 53 weights are
// 0..255 and relative; the switch writes the percentages themselves (blue 10, green 90). Resolvers
// may keep the old answer for the records' TTL, which the calls report.
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  waitUntilResourceRecordSetsChanged,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import type { Color } from '../../contract/types.js';
import { checkWeights, confirmWeights, sameWeights, type ColorWeights, type WeightChange } from '../weights.js';

export interface Route53Target {
  /** The hosted zone's id, e.g. Z0123456789ABCDEFGHIJ (a `/hostedzone/` prefix is accepted). */
  hostedZoneId: string;
  /** The public name, e.g. `app.example.com`. */
  name: string;
  /** The records' type. @default 'CNAME' */
  type?: RRType;
  /** The records' SetIdentifier per color. @default { blue: 'blue', green: 'green' } */
  setIdentifiers?: Partial<Record<Color, string>>;
}

export interface Route53Options {
  /** How long to wait for the change to be INSYNC. @default 300 (Route 53 typically takes under 60 s) */
  maxWaitSeconds?: number;
  /** First and longest pause between two GetChange calls. @default 1 and 10 */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** Stops waiting (e.g. the activity was cancelled). */
  abortSignal?: AbortSignal;
}

export interface Route53Weights {
  weights: ColorWeights;
  /** The longest TTL of the two records: how long resolvers may answer with the previous split. */
  ttlSeconds: number | undefined;
}

export interface Route53WeightChange extends WeightChange {
  ttlSeconds: number | undefined;
  /** The change batch's id when one was sent. */
  changeId?: string;
}

/** Route 53 lists names fully qualified, lower case. */
const fqdn = (name: string): string => `${name.toLowerCase().replace(/\.$/, '')}.`;

const identifierOf = (target: Route53Target, color: Color): string => target.setIdentifiers?.[color] ?? color;

const where = (target: Route53Target): string =>
  `Route 53 weighted records ${fqdn(target.name)} ${target.type ?? 'CNAME'} in ${target.hostedZoneId}`;

/** The blue and green record sets as Route 53 holds them (paging through the name's sets). */
async function readRecords(client: Route53Client, target: Route53Target): Promise<Record<Color, ResourceRecordSet>> {
  const name = fqdn(target.name);
  const type = target.type ?? 'CNAME';
  const found: Partial<Record<Color, ResourceRecordSet>> = {};
  let start: { StartRecordName: string; StartRecordType: RRType; StartRecordIdentifier?: string } = {
    StartRecordName: name,
    StartRecordType: type,
  };
  // Sets are listed in name order from the start point; weighted sets of one name come together.
  for (let page = 0; page < 50; page++) {
    const answer = await client.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: target.hostedZoneId, ...start, MaxItems: 100 }),
    );
    let past = false;
    for (const set of answer.ResourceRecordSets ?? []) {
      if (set.Name?.toLowerCase() !== name || set.Type !== type) {
        past = true;
        break;
      }
      for (const color of ['blue', 'green'] as const) if (set.SetIdentifier === identifierOf(target, color)) found[color] = set;
    }
    if (past || !answer.IsTruncated || !answer.NextRecordName || !answer.NextRecordType) break;
    start = {
      StartRecordName: answer.NextRecordName,
      StartRecordType: answer.NextRecordType,
      ...(answer.NextRecordIdentifier ? { StartRecordIdentifier: answer.NextRecordIdentifier } : {}),
    };
  }
  const missing = (['blue', 'green'] as const).filter((c) => !found[c]).map((c) => `"${identifierOf(target, c)}"`);
  if (missing.length) throw new Error(`${where(target)}: no record set with SetIdentifier ${missing.join(' or ')}`);
  for (const color of ['blue', 'green'] as const) {
    if (found[color]!.Weight === undefined) throw new Error(`${where(target)}: the ${color} record set is not a weighted one`);
  }
  return found as Record<Color, ResourceRecordSet>;
}

/** Percent per color from the records' raw weights; all zero means equal shares in Route 53. */
function shareOf(records: Record<Color, ResourceRecordSet>): ColorWeights {
  const raw = { blue: records.blue.Weight ?? 0, green: records.green.Weight ?? 0 };
  const total = raw.blue + raw.green;
  if (total === 0) return { blue: 50, green: 50 };
  const blue = Math.round((raw.blue * 100) / total);
  return { blue, green: 100 - blue };
}

function ttlOf(records: Record<Color, ResourceRecordSet>): number | undefined {
  const ttls = [records.blue.TTL, records.green.TTL].filter((t): t is number => t !== undefined);
  return ttls.length ? Math.max(...ttls) : undefined;
}

/** The split of the weighted records, in percent per color, and their TTL. */
export async function readRoute53Weights(client: Route53Client, target: Route53Target): Promise<Route53Weights> {
  const records = await readRecords(client, target);
  return { weights: shareOf(records), ttlSeconds: ttlOf(records) };
}

/**
 * Sets the split to `wanted` unless the records already have it: one UPSERT batch of the records
 * whose weight differs (each copied as read, only its Weight changed), waits for INSYNC, reads back.
 */
export async function setRoute53Weights(
  client: Route53Client,
  target: Route53Target,
  wanted: ColorWeights,
  options: Route53Options = {},
): Promise<Route53WeightChange> {
  checkWeights(wanted);
  const records = await readRecords(client, target);
  const before = shareOf(records);
  if (sameWeights(before, wanted)) return { before, after: before, wrote: false, ttlSeconds: ttlOf(records) };
  const changes = (['blue', 'green'] as const)
    .filter((color) => records[color].Weight !== wanted[color])
    .map((color) => ({ Action: 'UPSERT' as const, ResourceRecordSet: { ...records[color], Weight: wanted[color] } }));
  const { ChangeInfo } = await client.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: target.hostedZoneId,
      ChangeBatch: { Comment: `bluegreen: ${wanted.blue}% blue, ${wanted.green}% green`, Changes: changes },
    }),
  );
  const changeId = ChangeInfo?.Id;
  if (!changeId) throw new Error(`${where(target)}: ChangeResourceRecordSets answered without a change id`);
  // GetChange at once, then with backoff: a change is PENDING at first on AWS.
  await waitUntilResourceRecordSetsChanged(
    {
      client,
      maxWaitTime: options.maxWaitSeconds ?? 300,
      minDelay: options.minDelaySeconds ?? 1,
      maxDelay: options.maxDelaySeconds ?? 10,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    },
    { Id: changeId },
  );
  const after = await readRoute53Weights(client, target);
  confirmWeights(where(target), wanted, after.weights);
  return { before, after: after.weights, wrote: true, ttlSeconds: after.ttlSeconds, changeId };
}
