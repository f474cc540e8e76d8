// Sets the blue and green target groups' weights of an ALB listener rule (or a listener's default
// action): read, write only what differs, read back (./aws.ts), so a retry or a worker killed
// mid-call repeats nothing. Worker side: AWS SDK v3, with the default credential chain or a role
// the policy names (../aws-access.ts).
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsClientConfig, awsClientKey, type AwsAccess } from '../aws-access.js';
import type { SwitchCredentialOptions } from '../credentials.js';
import { providerFailure } from '../provider-errors.js';
import { weightsFor } from '../weights.js';
import type { WeightedSwitchResult } from '../weighted-types.js';
import { setAlbWeights, type AlbTarget } from './aws.js';
import { albAccess } from './policy.js';
import { albWhere, type AlbSwitchInput } from './types.js';

export function createAlbActivities(options: SwitchCredentialOptions = {}) {
  const clients = new Map<string, ElasticLoadBalancingV2Client>();
  // One client per section settings: it keeps the role's credentials until they near expiry.
  const clientFor = (access: AwsAccess) => {
    const key = awsClientKey(access);
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new ElasticLoadBalancingV2Client(awsClientConfig(access))));
    return client;
  };

  async function switchViaAlb(input: AlbSwitchInput): Promise<WeightedSwitchResult> {
    const where = albWhere(input.target);
    try {
      const section = albAccess(options, input.target);
      const target = (
        input.target.ruleArn !== undefined
          ? { ruleArn: input.target.ruleArn, targetGroups: input.target.targetGroups }
          : { listenerArn: input.target.listenerArn!, targetGroups: input.target.targetGroups }
      ) as AlbTarget;
      return await setAlbWeights(clientFor(section), target, weightsFor(input.color, input.percent));
    } catch (err) {
      throw providerFailure(where, err);
    }
  }

  return { switchViaAlb };
}
