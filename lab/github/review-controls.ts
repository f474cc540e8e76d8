// In-process controls of the lab's people, environments and reviews (`lab.github.reviews`):
// who exists and with which token, which environment needs whose review, and QA's actions
// (review a waiting run as a user, or bypass as an admin) without going through HTTP.
import type { EnvironmentRecord, ReviewState, RunReview } from './environments.js';
import { GitHubError } from './errors.js';
import type { LabTeam, LabUser, NewUser } from './people.js';
import { SEEDED_TEAMS, SEEDED_USERS } from './people.js';
import type { ReviewGate } from './review-gate.js';
import type { GitHubState } from './state.js';
import type { WorkflowDefinition } from '../types.js';

/** A reviewer as tests write it: a login ("alice") or a team ("datatruck/qa"). */
export type ReviewerName = string;

export interface EnvironmentSettings {
  reviewers?: ReviewerName[];
  preventSelfReview?: boolean;
  /** @default true (GitHub's default) */
  canAdminsBypass?: boolean;
}

/** The QA gate workflow (examples/github-workflows/qa-gate.yml) as the lab runs it. */
export function qaGateWorkflow(environment: string, file = 'qa-gate.yml'): WorkflowDefinition {
  return {
    file,
    name: 'QA gate',
    runName: 'QA gate · ${{ inputs.color }} @ ${{ inputs.sha }} [${{ inputs.deployment_id }}]',
    inputs: {
      deployment_id: { required: true, type: 'string' },
      color: { required: true, type: 'choice', options: ['blue', 'green'] },
      sha: { required: true, type: 'string' },
      url: { required: true, type: 'string' },
    },
    jobs: [{ name: 'approve', environment, steps: ['Set up job', 'Record the approval', 'Complete job'] }],
  };
}

export class ReviewControls {
  constructor(
    private readonly state: GitHubState,
    private readonly gate: ReviewGate,
    private readonly addWorkflow: (def: WorkflowDefinition) => void,
  ) {
    for (const user of SEEDED_USERS) state.people.add(user);
    for (const team of SEEDED_TEAMS) state.people.addTeam(team.slug, team.members);
  }

  addUser(user: NewUser): LabUser {
    return this.state.people.add(user);
  }

  /** Every lab user with their token and role (the bot's tokens are the lab's `tokens`). */
  users(): LabUser[] {
    return this.state.people.list();
  }

  user(login: string): LabUser | undefined {
    return this.state.people.get(login);
  }

  /** The user's own token (what they would put in GITHUB_TOKEN). */
  tokenOf(login: string): string {
    const user = this.state.people.get(login);
    if (!user) throw new Error(`no lab user ${login}`);
    return user.token;
  }

  addTeam(slug: string, members: string[]): LabTeam {
    return this.state.people.addTeam(slug, members);
  }

  /** Creates or replaces an environment; reviewers are logins or `org/team` slugs. */
  setEnvironment(name: string, settings: EnvironmentSettings = {}): EnvironmentRecord {
    const reviewers = (settings.reviewers ?? []).map((r) => {
      const [org, slug] = r.includes('/') ? r.split('/') : [];
      return org && slug ? { type: 'Team' as const, org, slug } : { type: 'User' as const, login: r };
    });
    return this.state.environments.set(name, {
      reviewers,
      ...(settings.preventSelfReview !== undefined ? { preventSelfReview: settings.preventSelfReview } : {}),
      ...(settings.canAdminsBypass !== undefined ? { canAdminsBypass: settings.canAdminsBypass } : {}),
    });
  }

  environment(name: string): EnvironmentRecord | undefined {
    return this.state.environments.get(name);
  }

  /** The environment (with reviewers) and the qa-gate.yml workflow whose job references it. */
  addQaGate(environment = 'qa', settings: EnvironmentSettings = { reviewers: ['datatruck/qa'] }, file = 'qa-gate.yml'): void {
    this.setEnvironment(environment, settings);
    this.addWorkflow(qaGateWorkflow(environment, file));
  }

  /** Reviews every pending environment of the run as `login`, by GitHub's rules (throws their refusal). */
  review(runId: number, login: string, state: ReviewState, comment = ''): void {
    const run = this.runOf(runId);
    const ids = this.gate.pending(run).map((env) => env.id);
    try {
      this.gate.review(run, login, ids, state, comment);
    } catch (err) {
      if (err instanceof GitHubError) throw new Error(`GitHub refused (${err.status}): ${err.message}`);
      throw err;
    }
  }

  /** An admin's "Start all waiting jobs": the held jobs run, nothing is logged as a review. */
  bypass(runId: number, login: string): void {
    this.gate.bypass(this.runOf(runId), login);
  }

  /** The run's review log, oldest first. */
  reviewsOf(runId: number): RunReview[] {
    return this.state.environments.reviewsOf(runId);
  }

  /** Names of the environments the run still waits on. */
  pending(runId: number): string[] {
    return this.gate.pending(this.runOf(runId)).map((env) => env.name);
  }

  private runOf(runId: number) {
    const run = this.state.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }
}
