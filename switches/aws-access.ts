// How the worker reaches AWS for the alb and route53 switches, from their policy sections: the
// region, and an endpoint other than AWS's (moto in the lab, a VPC endpoint). Credentials come from
// the AWS SDK's default chain (environment, shared profile, container or instance role): the
// policy and the plan never carry them. Loaded by the worker only.
import { z } from 'zod';
import { policyUrl } from '../config/policy-fields.js';

/** The policy fields every AWS switch section has. */
export const awsAccessFields = {
  /** The AWS region of the resources. @default the SDK's (AWS_REGION, the profile) */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like "eu-west-1"')
    .optional(),
  /** Another endpoint than AWS's, e.g. a VPC endpoint, or moto's URL in the lab. */
  endpoint: policyUrl.optional(),
};

export interface AwsAccess {
  region?: string | undefined;
  endpoint?: string | undefined;
}

/** The SDK client settings of a policy section: its region and endpoint, the default credential chain. */
export const awsClientConfig = (access: AwsAccess = {}) => ({
  ...(access.region ? { region: access.region } : {}),
  ...(access.endpoint ? { endpoint: access.endpoint } : {}),
  maxAttempts: 3,
});

/** An ARN as AWS writes it; a plan's ARN is matched against the policy's exactly. */
export const arn = (service: string, example: string) =>
  z
    .string({ error: `expected an ARN like "${example}"` })
    .regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:\\S+$`), `expected an ARN like "${example}"`);
