// How the worker reaches AWS for the alb and route53 switches, from their policy sections: the
// region, an endpoint other than AWS's (moto in the lab, a VPC endpoint), and whose identity the
// calls use. Credentials come from the AWS SDK's default chain (environment, shared profile,
// container or instance role), or from a role the policy names, assumed with those (STS
// AssumeRole, refreshed before it expires): the policy and the plan never carry a secret. Loaded
// by the worker only.
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { z } from 'zod';
import { policyUrl } from '../config/policy-fields.js';
import type { Bound } from '../contract/plugin.js';

const ROLE_ARN_EXAMPLE = 'arn:aws:iam::123456789012:role/bluegreen-switch';

/** A role to assume for a switch type's calls: who may touch the resources is then the role's policy. */
export const assumeRoleSection = z.strictObject({
  /** The role, e.g. arn:aws:iam::123456789012:role/bluegreen-switch (its trust policy names the worker's identity). */
  roleArn: z
    .string({ error: `expected a role ARN like "${ROLE_ARN_EXAMPLE}"` })
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, `expected a role ARN like "${ROLE_ARN_EXAMPLE}"`),
  /** The external id the role's trust policy asks for (`sts:ExternalId`), when it asks for one. */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected an external id of 2 to 1224 letters, digits or +=,.@:/-')
    .optional(),
  /** The session name CloudTrail records the calls under. @default "bluegreen" */
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'expected a session name of 2 to 64 letters, digits or +=,.@-')
    .default('bluegreen'),
  /** How long one set of role credentials lasts before the SDK assumes the role again (s). @default 900 */
  durationSeconds: z.int().min(900).max(43_200).default(900),
  /** Another STS endpoint than the region's, e.g. an STS VPC endpoint, or moto's URL in the lab. */
  stsEndpoint: policyUrl.optional(),
});
export type AssumeRole = z.output<typeof assumeRoleSection>;

/** The policy fields every AWS switch section has. */
export const awsAccessFields = {
  /** The AWS region of the resources. @default the SDK's (AWS_REGION, the profile) */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like "eu-west-1"')
    .optional(),
  /** Another endpoint than AWS's, e.g. a VPC endpoint, or moto's URL in the lab. */
  endpoint: policyUrl.optional(),
  /** A role the worker assumes for this switch type's calls. @default none: the worker's own identity */
  assumeRole: assumeRoleSection.optional(),
};

export interface AwsAccess {
  region?: string | undefined;
  endpoint?: string | undefined;
  assumeRole?: AssumeRole | undefined;
}

/** The URLs a section makes the worker call: its endpoint, and the STS endpoint it assumes the role at. */
export const awsUrls = (access: AwsAccess): string[] => [
  ...(access.endpoint ? [access.endpoint] : []),
  ...(access.assumeRole?.stsEndpoint ? [access.assumeRole.stsEndpoint] : []),
];

/**
 * Credentials of the role, assumed with the default chain's and renewed by the SDK before they
 * expire. A refusal (the trust policy, a wrong external id) names the role it was about.
 */
function roleCredentials(role: AssumeRole, region: string | undefined) {
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName,
      DurationSeconds: role.durationSeconds,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
    },
    clientConfig: {
      ...(region ? { region } : {}),
      ...(role.stsEndpoint ? { endpoint: role.stsEndpoint } : {}),
      maxAttempts: 3,
    },
  });
  return async (...args: Parameters<typeof provider>) => {
    try {
      return await provider(...args);
    } catch (err) {
      if (err instanceof Error) err.message = `assuming role ${role.roleArn}: ${err.message}`;
      throw err;
    }
  };
}

/** The SDK client settings of a policy section: its region and endpoint, the role it assumes or the default chain. */
export const awsClientConfig = (access: AwsAccess = {}) => ({
  ...(access.region ? { region: access.region } : {}),
  ...(access.endpoint ? { endpoint: access.endpoint } : {}),
  ...(access.assumeRole ? { credentials: roleCredentials(access.assumeRole, access.region) } : {}),
  maxAttempts: 3,
});

/** The cache key of a section's client: what decides the client's settings (not the provider function). */
export const awsClientKey = (access: AwsAccess = {}): string =>
  JSON.stringify([access.region, access.endpoint, access.assumeRole]);

/** An ARN as AWS writes it; a plan's ARN is matched against the policy's exactly. */
export const arn = (service: string, example: string) =>
  z
    .string({ error: `expected an ARN like "${example}"` })
    .regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:\\S+$`), `expected an ARN like "${example}"`);

/** The bound both AWS switch types put on how long a failing update of `what` is retried. */
export const maxUpdateTimeoutMs = (what: string): Bound => ({
  field: 'updateTimeoutMs',
  limit: 'max',
  default: 3_600_000,
  what: `how long a failing ${what} update is retried (ms)`,
});
