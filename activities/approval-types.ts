// The contract of the approval-via-GitHub activities (activities/github-approvals.ts): plain
// data, no credentials. GitHub decides who may review; these read back what it decided.
import type { GitHubRepoRef } from '../contract/types.js';

export interface ApprovalEnvironmentInput {
  github: GitHubRepoRef;
  /** The environment the gate job references (`approval.environment`). */
  environment: string;
}

/** The environment as GitHub reports it; only returned when it has required reviewers. */
export interface ApprovalEnvironment {
  environment: string;
  id: number;
  /** Logins and `org/team` slugs, as GitHub lists them (up to six). */
  reviewers: string[];
  preventSelfReview: boolean;
  /** Absent when GitHub did not say (the field is not in its OpenAPI description). */
  canAdminsBypass?: boolean;
}

export interface ReadDeployerInput {
  github: GitHubRepoRef;
  /** The GitHub Deployment record the CLI created with the deployer's own token. */
  githubDeploymentId: number;
  /** What the record must be for: this deployment's id, commit and target color. */
  correlationId: string;
  sha: string;
  environment: string;
  /**
   * When this deployment's workflow started (ISO 8601): the record must be made for it, shortly
   * before. Absent from deployments started before the check (their record is not dated).
   */
  startedAt?: string;
}

/** Who started the deployment, as GitHub knows them (the record's `creator`). */
export type DeployerIdentity = { verified: true; login: string; id: number } | { verified: false; reason: string };

export interface OpenGateInput {
  github: GitHubRepoRef;
  runId: number;
  environment: string;
  /** How long to wait for GitHub to put the run in `waiting`. @default 30_000 */
  holdTimeoutMs?: number;
  /** @default 1_000 */
  pollMs?: number;
}

/** What GitHub says about a freshly dispatched gate run. */
export interface GateOpened {
  /** `waiting`: held for a review of the environment; `not-held`: it went on without one. */
  state: 'waiting' | 'not-held';
  runStatus: string;
  /** Who may review it (logins and `org/team`), when waiting. */
  reviewers: string[];
  url: string;
}

export interface ReadGateDecisionInput {
  github: GitHubRepoRef;
  runId: number;
  /** The dispatch's correlation id and the commit: the run's title must carry both. */
  correlationId: string;
  sha: string;
  environment: string;
}

export interface GateReview {
  login: string;
  id: number;
  state: 'approved' | 'rejected' | 'pending';
  comment: string;
}

/** A completed gate run and its review log for the approval environment. */
export interface GateDecision {
  runId: number;
  url: string;
  status: string;
  conclusion: string | null;
  title: string;
  /** The title carries this deployment's correlation id and SHA: the run was for this build. */
  boundToBuild: boolean;
  /** Who triggered the run (the worker's own identity, for a gate it dispatched). */
  triggeredBy?: string;
  reviews: GateReview[];
  /** When the worker read it (GitHub's review log carries no timestamps). */
  readAt: string;
}

export interface TeamMemberInput {
  github: GitHubRepoRef;
  org: string;
  team: string;
  login: string;
}

export interface ApprovalActivities {
  readApprovalEnvironment(input: ApprovalEnvironmentInput): Promise<ApprovalEnvironment>;
  readDeployer(input: ReadDeployerInput): Promise<DeployerIdentity>;
  openGate(input: OpenGateInput): Promise<GateOpened>;
  readGateDecision(input: ReadGateDecisionInput): Promise<GateDecision>;
  isTeamMember(input: TeamMemberInput): Promise<boolean>;
}

/** Failure types of these activities, for the workflow's messages and retry policies. */
export const APPROVAL_ERROR_TYPES = {
  /** The environment is missing or has no required reviewers: refused at plan. */
  setup: 'ApprovalSetupError',
  /** This GitHub has no approvals endpoint (older GitHub Enterprise Server). */
  unsupported: 'GitHubApprovalsUnsupported',
} as const;
