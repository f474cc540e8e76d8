// The `approval` section of bluegreen.yaml: the QA gate. `via: github` (docs/approvals.md) has
// GitHub hold a gate run until a required reviewer of `environment` decides, and reads back who
// did; `via: signal` takes the name the sender gives (self-declared).
import { z } from 'zod';
import { duration, name, workflowFile } from '../config/fields.js';
import { notifyChannelName } from './notify-config-schema.js';

export const approvalSection = z
  .strictObject({
    /** Whether the deployment waits for QA before the switch. @default true */
    required: z.boolean().default(true),
    /** Who may approve (logins, or `org/team` via github); empty: any reviewer GitHub accepts. @default [] */
    approvers: z.array(name('approver name')).max(100).default([]),
    /**
     * How long the gate waits. GitHub fails a job waiting for review after 30 days, so no more.
     * @default "24h" @example "3d"
     */
    timeout: duration('30d', ': GitHub fails a job waiting for review after 30 days').prefault('24h'),
    /**
     * How an approval arrives: `github` (verified by GitHub: a reviewer of `environment` approves
     * the gate run with their own account) or `signal` (whoever sends it names themselves).
     * @default "signal"
     */
    via: z.enum(['signal', 'github'], { error: 'expected "signal" or "github"' }).default('signal'),
    /** The GitHub environment whose required reviewers approve (via github). @default "qa" @example "qa-prod" */
    environment: name('environment name').default('qa'),
    /** The gate workflow file (examples/github-workflows/qa-gate.yml). @default "qa-gate.yml" */
    workflow: workflowFile.default('qa-gate.yml'),
    /** Branch the gate is dispatched on (its workflow file is read from there). @default the blue branch */
    ref: name('branch name').optional(),
    /**
     * Distinct verified approvals needed. GitHub releases a gate run on the first approval, so
     * each further approval is another gate run, by another reviewer. @default 1
     */
    minApprovals: z.int().min(1).max(6).default(1),
    /** Whether the deployer may approve their own deployment (via github). @default false */
    allowSelfApproval: z.boolean().default(false),
    /** Re-send approval-waiting to its channels this often while the gate waits (docs/notifications.md). @default none @example "1h" */
    remindEvery: duration('7d').optional(),
    /** After this long at the gate, tell `escalateTo` (once). @default none @example "4h" */
    escalateAfter: duration('30d').optional(),
    /** Channels (names from the worker policy) that hear of an approval left waiting `escalateAfter`. @default none */
    escalateTo: z.array(notifyChannelName).min(1).max(8).optional(),
  })
  .prefault({});
