// The bluegreen-train.yaml schema (zod): a train's name, its services (each by its own
// bluegreen.yaml) with the services each is switched after, and the train's approval, monitor
// and rollback rules. Strict objects: an unknown key is an error.
import { z } from 'zod';
import { duration, name } from '../config/fields.js';
import { MAX_TRAIN_SERVICES } from '../contract/train.js';

const serviceName = z
  .string({ error: 'expected a service name, like "datatruck-api"' })
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'service names are lowercase letters, digits, ".", "_" and "-" (at most 63)');

const trainService = z.strictObject({
  /** The service's own bluegreen.yaml, relative to the train file. @example "api/bluegreen.yaml" */
  config: z.string({ error: "expected the path of the service's bluegreen.yaml" }).min(1, 'the path must not be empty'),
  /** Services (by their `service:` name) switched and verified before this one. @default [] */
  after: z.array(serviceName).max(MAX_TRAIN_SERVICES).default([]),
});

export const trainConfigSchema = z.strictObject({
  /** The train's name: one running train per name (workflow id `train-<name>`). */
  train: z
    .string({ error: 'expected the train\'s name, like "shop-release"' })
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'train names are lowercase letters, digits, ".", "_" and "-" (at most 63)'),
  services: z
    .array(trainService)
    .min(1, 'a train has at least one service')
    .max(MAX_TRAIN_SERVICES, `a train has at most ${MAX_TRAIN_SERVICES} services`),
  approval: z
    .strictObject({
      /** Whether the train waits for QA before the first switch (a service whose policy requires it is asked anyway). @default true */
      required: z.boolean().default(true),
      /** Who may approve the train; each service's own approvers (its policy) must allow them too. @default [] */
      approvers: z.array(name('approver name')).max(100).default([]),
      /** Distinct approvals needed (at least each service's own minimum). @default 1 */
      minApprovals: z.int().min(1).max(6).default(1),
      /** How long the train's gate waits. @default "24h" */
      timeout: duration('30d').prefault('24h'),
      /** true: every service passes its own gate instead of one for the train. @default false */
      perService: z.boolean().default(false),
    })
    .prefault({}),
  monitor: z
    .strictObject({
      /** Every service is watched at least this long after its switch. @default each service's own monitor.duration */
      duration: duration('30d').optional(),
    })
    .prefault({}),
  rollback: z
    .strictObject({
      /** false: after a failure the train waits for `bluegreen train rollback` before switching back. @default true */
      automatic: z.boolean().default(true),
    })
    .prefault({}),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;
