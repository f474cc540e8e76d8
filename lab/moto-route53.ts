// Weighted records in moto with the shape the route53 switch drives: a hosted zone and two CNAME
// records of one name, blue weighted 100 and green 0. Shared by the lab's Route 53 world and its tests.
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { MotoServer } from './moto.js';

export interface WeightedRecords {
  r53: Route53Client;
  hostedZoneId: string;
  /** The records' name, `<host>.<zone>`. */
  name: string;
}

/** Creates the zone `zoneName` and the weighted CNAMEs `<host>.<zoneName>` (blue 100, green 0) with `ttlSeconds`. */
export async function createWeightedRecords(
  moto: MotoServer,
  zoneName: string,
  host: string,
  ttlSeconds: number,
): Promise<WeightedRecords> {
  const r53 = new Route53Client(moto.clientConfig);
  const zone = await r53.send(
    new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `bluegreen-${zoneName}-${Date.now()}` }),
  );
  const hostedZoneId = zone.HostedZone!.Id!.replace(/^\/hostedzone\//, '');
  const name = `${host}.${zoneName}`;
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: {
        Changes: (['blue', 'green'] as const).map((color) => ({
          Action: 'CREATE' as const,
          ResourceRecordSet: {
            Name: name,
            Type: 'CNAME' as const,
            SetIdentifier: color,
            Weight: color === 'blue' ? 100 : 0,
            TTL: ttlSeconds,
            ResourceRecords: [{ Value: `${color}.${zoneName}` }],
          },
        })),
      },
    }),
  );
  return { r53, hostedZoneId, name };
}
