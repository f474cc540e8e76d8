// Sets the weights of the public name's blue and green weighted records in Route 53: read, one
// UPSERT batch of what differs, GetChange until INSYNC, read back (./aws.ts). A retry after a
// worker kill finds the weights written and confirms them. Worker side: AWS SDK v3, with the
// default chain or a role the policy names (../aws-access.ts).
import { Route53Client } from '@aws-sdk/client-route-53';
import { Context } from '@temporalio/activity';
import { awsClientConfig, awsClientKey, type AwsAccess } from '../aws-access.js';
import type { SwitchCredentialOptions } from '../credentials.js';
import { providerFailure } from '../provider-errors.js';
import { weightsFor } from '../weights.js';
import type { WeightedSwitchResult } from '../weighted-types.js';
import { readRoute53Weights, setRoute53Weights } from './aws.js';
import { route53Access } from './policy.js';
import { route53Where, type Route53SwitchInput } from './types.js';

export interface Route53ActivityOptions extends SwitchCredentialOptions {
  /** GetChange pauses (s): first and longest. @default 1 and 10 */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export function createRoute53Activities(options: Route53ActivityOptions = {}) {
  const clients = new Map<string, Route53Client>();
  // One client per section settings: it keeps the role's credentials until they near expiry.
  const clientFor = (access: AwsAccess) => {
    const key = awsClientKey(access);
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new Route53Client(awsClientConfig(access))));
    return client;
  };

  async function switchViaRoute53(input: Route53SwitchInput): Promise<WeightedSwitchResult> {
    const where = route53Where(input.target);
    try {
      const section = route53Access(options, input.target);
      const client = clientFor(section);
      const target = {
        hostedZoneId: input.target.hostedZoneId,
        name: input.target.name,
        type: input.target.recordType,
        setIdentifiers: input.target.setIdentifiers,
      };
      let signal: AbortSignal | undefined;
      try {
        signal = Context.current().cancellationSignal;
      } catch {
        signal = undefined; // called outside an activity (a unit test)
      }
      const change = await setRoute53Weights(client, target, weightsFor(input.color, input.percent), {
        maxWaitSeconds: 120,
        minDelaySeconds: options.minDelaySeconds ?? 1,
        maxDelaySeconds: options.maxDelaySeconds ?? 10,
        ...(signal ? { abortSignal: signal } : {}),
      });
      const { before, after, wrote } = change;
      const ttl = change.ttlSeconds ?? (await readRoute53Weights(client, target)).ttlSeconds;
      return { before, after, wrote, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) };
    } catch (err) {
      throw providerFailure(where, err);
    }
  }

  return { switchViaRoute53 };
}
