// Deployment environments and their protection rules, as GitHub models them: up to six
// required reviewers (users or teams, any one of whom releases a waiting job), "prevent
// self-review" (the user who triggered the run may not approve it), and whether repository
// admins may bypass the rules. Plus the review log of each run (`GET …/runs/{id}/approvals`).
import { isoSeconds } from './repo-model.js';

export type ReviewerRef = { type: 'User'; login: string } | { type: 'Team'; org: string; slug: string };

export interface EnvironmentSpec {
  /** Required reviewers; empty: jobs referencing the environment run without waiting. */
  reviewers?: ReviewerRef[];
  /** @default false */
  preventSelfReview?: boolean;
  /** GitHub's default is true ("Allow administrators to bypass configured protection rules"). */
  canAdminsBypass?: boolean;
}

export interface EnvironmentRecord {
  id: number;
  name: string;
  reviewers: ReviewerRef[];
  preventSelfReview: boolean;
  canAdminsBypass: boolean;
  /** Ids of the protection rules as GitHub lists them. */
  reviewersRuleId: number;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = 'approved' | 'rejected';

export interface RunReview {
  environmentId: number;
  state: ReviewState;
  login: string;
  comment: string;
  at: string;
}

/** GitHub allows at most six reviewers per environment. */
export const MAX_REVIEWERS = 6;

export class EnvironmentStore {
  private readonly byName = new Map<string, EnvironmentRecord>();
  private readonly reviews = new Map<number, RunReview[]>();
  private nextId = 56_780_000;
  private nextRuleId = 3_755_000;

  /** Creates or replaces the environment's settings (GitHub's PUT). */
  set(name: string, spec: EnvironmentSpec = {}): EnvironmentRecord {
    const reviewers = spec.reviewers ?? [];
    if (reviewers.length > MAX_REVIEWERS) throw new Error(`an environment has at most ${MAX_REVIEWERS} reviewers`);
    const existing = this.get(name);
    const at = isoSeconds();
    const record: EnvironmentRecord = {
      id: existing?.id ?? this.nextId++,
      name: existing?.name ?? name,
      reviewers: reviewers.map((r) => ({ ...r })),
      preventSelfReview: spec.preventSelfReview ?? existing?.preventSelfReview ?? false,
      canAdminsBypass: spec.canAdminsBypass ?? existing?.canAdminsBypass ?? true,
      reviewersRuleId: existing?.reviewersRuleId ?? this.nextRuleId++,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    this.byName.set(name.toLowerCase(), record);
    return record;
  }

  /** Environment names are case-insensitive on GitHub. */
  get(name: string): EnvironmentRecord | undefined {
    return this.byName.get(name.toLowerCase());
  }

  byId(id: number): EnvironmentRecord | undefined {
    return [...this.byName.values()].find((e) => e.id === id);
  }

  list(): EnvironmentRecord[] {
    return [...this.byName.values()].sort((a, b) => a.id - b.id);
  }

  delete(name: string): boolean {
    return this.byName.delete(name.toLowerCase());
  }

  /** Whether a job referencing this environment waits for a review. */
  needsReview(name: string | undefined): EnvironmentRecord | undefined {
    const env = name === undefined ? undefined : this.get(name);
    return env && env.reviewers.length > 0 ? env : undefined;
  }

  addReview(runId: number, review: Omit<RunReview, 'at'>): RunReview {
    const recorded: RunReview = { ...review, at: isoSeconds() };
    const list = this.reviews.get(runId) ?? [];
    list.push(recorded);
    this.reviews.set(runId, list);
    return recorded;
  }

  reviewsOf(runId: number): RunReview[] {
    return [...(this.reviews.get(runId) ?? [])];
  }
}
