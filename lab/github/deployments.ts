// GitHub Deployments and their statuses: where the orchestrator records each rollout per
// environment. Follows GitHub's defaults (task 'deploy', environment 'production', auto_inactive).
import { isoSeconds } from './repo-model.js';

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
];

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  /** Who created it (the caller's login); absent: the bot. */
  creator?: string;
  createdAt: string;
  updatedAt: string;
  statuses: DeploymentStatusRecord[];
}

export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  createdAt: string;
}

export interface NewDeployment {
  sha: string;
  ref: string;
  task?: string;
  payload?: Record<string, unknown> | string;
  environment?: string;
  description?: string | null;
  transientEnvironment?: boolean;
  productionEnvironment?: boolean;
  creator?: string;
}

export interface NewDeploymentStatus {
  state: DeploymentState;
  description?: string;
  environment?: string;
  targetUrl?: string;
  logUrl?: string;
  environmentUrl?: string;
  autoInactive?: boolean;
}

export class DeploymentStore {
  private readonly deployments = new Map<number, DeploymentRecord>();
  private nextId = 1_800_000_000;
  private nextStatusId = 2_600_000_000;

  create(input: NewDeployment): DeploymentRecord {
    const environment = input.environment ?? 'production';
    const at = isoSeconds();
    const deployment: DeploymentRecord = {
      id: this.nextId++,
      sha: input.sha,
      ref: input.ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? {},
      environment,
      originalEnvironment: environment,
      description: input.description ?? '',
      transientEnvironment: input.transientEnvironment ?? false,
      productionEnvironment: input.productionEnvironment ?? environment === 'production',
      ...(input.creator !== undefined ? { creator: input.creator } : {}),
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  get(id: number): DeploymentRecord | undefined {
    return this.deployments.get(id);
  }

  /** Newest first; each filter compares exactly, as GitHub's query parameters do. */
  list(filter: { sha?: string; ref?: string; task?: string; environment?: string } = {}): DeploymentRecord[] {
    return [...this.deployments.values()]
      .filter(
        (d) =>
          (filter.sha === undefined || d.sha === filter.sha) &&
          (filter.ref === undefined || d.ref === filter.ref) &&
          (filter.task === undefined || d.task === filter.task) &&
          (filter.environment === undefined || d.environment === filter.environment),
      )
      .sort((a, b) => b.id - a.id);
  }

  addStatus(deployment: DeploymentRecord, input: NewDeploymentStatus): DeploymentStatusRecord {
    const targetUrl = input.logUrl ?? input.targetUrl ?? '';
    const environment = input.environment ?? deployment.environment;
    const status = this.pushStatus(deployment, {
      state: input.state,
      description: input.description ?? '',
      environment,
      targetUrl,
      logUrl: targetUrl,
      environmentUrl: input.environmentUrl ?? '',
    });
    deployment.environment = environment;
    if (input.state === 'success' && (input.autoInactive ?? true)) this.inactivatePrevious(deployment);
    return status;
  }

  /** GitHub's auto_inactive: earlier successful non-transient, non-production deployments of the environment. */
  private inactivatePrevious(current: DeploymentRecord): void {
    for (const other of this.deployments.values()) {
      if (other.id >= current.id || other.environment !== current.environment) continue;
      if (other.transientEnvironment || other.productionEnvironment) continue;
      if (other.statuses[0]?.state !== 'success') continue;
      this.pushStatus(other, { ...other.statuses[0], state: 'inactive', description: '' });
    }
  }

  private pushStatus(
    deployment: DeploymentRecord,
    fields: Omit<DeploymentStatusRecord, 'id' | 'deploymentId' | 'createdAt'>,
  ): DeploymentStatusRecord {
    const status: DeploymentStatusRecord = {
      ...fields,
      id: this.nextStatusId++,
      deploymentId: deployment.id,
      createdAt: isoSeconds(),
    };
    // Newest first, as the statuses list answers.
    deployment.statuses.unshift(status);
    deployment.updatedAt = status.createdAt;
    return status;
  }
}
