// A typed client for the control API, for tests whose lab runs in another process
// (`npx tsx lab/cli.ts --port-file F`). Mirrors the in-process methods of startLab's Lab.
import type * as lab from './types.js';
import type { LoadStats } from './load.js';
import type { RateLimitSettings } from './github/rate-limit.js';

export class LabControlClient {
  /** @param githubUrl the lab's githubUrl (the control API lives under /_lab) */
  constructor(private readonly githubUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.githubUrl}/_lab${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const data = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`lab control ${method} ${path}: ${response.status} ${data.error ?? ''}`);
    return data;
  }

  state(): Promise<Record<string, unknown> & { activeColor: lab.Color }> {
    return this.call('GET', '/state');
  }
  requests(): Promise<lab.RequestRecord[]> {
    return this.call('GET', '/requests');
  }
  dispatches(): Promise<lab.DispatchRecord[]> {
    return this.call('GET', '/dispatches');
  }
  counters(): Promise<lab.Counters> {
    return this.call('GET', '/counters');
  }
  runs(workflow?: string): Promise<lab.RunSummary[]> {
    return this.call('GET', `/runs${workflow ? `?workflow=${encodeURIComponent(workflow)}` : ''}`);
  }
  async dispatchCount(workflow: string, correlationId?: string): Promise<number> {
    const query = new URLSearchParams({ workflow, ...(correlationId ? { correlationId } : {}) });
    return (await this.call<{ count: number }>('GET', `/dispatch-count?${query}`)).count;
  }
  async clearLog(): Promise<void> {
    await this.call('POST', '/log/clear');
  }
  async setHealthy(color: lab.Color, healthy: boolean): Promise<void> {
    await this.call('POST', `/apps/${color}/health`, { healthy });
  }
  async setAppFault(color: lab.Color, fault: lab.AppFault): Promise<void> {
    await this.call('POST', `/apps/${color}/fault`, fault);
  }
  async setActive(color: lab.Color): Promise<void> {
    await this.call('POST', '/router/active', { color });
  }
  /** onComplete hooks cannot cross processes; use `effect` instead. */
  async addWorkflow(def: Omit<lab.WorkflowDefinition, 'onComplete'>): Promise<void> {
    await this.call('POST', '/workflows', def);
  }
  async setWorkflowBehavior(workflowFile: string, behavior: lab.WorkflowBehavior): Promise<void> {
    await this.call('POST', `/workflows/${encodeURIComponent(workflowFile)}/behavior`, behavior);
  }
  async failNextRun(
    workflowFile: string,
    failure: { job?: string; step?: string; conclusion?: lab.RunConclusion } = {},
  ): Promise<void> {
    await this.call('POST', `/workflows/${encodeURIComponent(workflowFile)}/fail-next`, failure);
  }
  async injectFault(fault: lab.FaultSpec): Promise<number> {
    return (await this.call<{ id: number }>('POST', '/faults', fault)).id;
  }
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }
  async pushCommit(branch: string, message: string): Promise<string> {
    return (await this.call<{ sha: string }>('POST', '/commits', { branch, message })).sha;
  }
  async setMergeConflict(conflict: boolean): Promise<void> {
    await this.call('POST', '/merge-conflict', { conflict });
  }
  async setRateLimit(settings: RateLimitSettings): Promise<void> {
    await this.call('POST', '/rate-limit', settings);
  }
  async expireInstallationTokens(): Promise<void> {
    await this.call('POST', '/tokens/expire');
  }
  /** Where `workflow_run` completed webhooks go; undefined stops them. */
  async setWebhook(target: lab.WebhookTarget | undefined): Promise<void> {
    await this.call('POST', '/webhook', target ?? { url: null });
  }
  /** Starts bounded traffic; targets by name ('public', 'blue', 'green') or loopback URL. */
  startLoad(options: { targets?: string[]; ratePerSecond?: number; durationMs?: number; path?: string }): Promise<LoadStats> {
    return this.call('POST', '/load', options);
  }
  stopLoad(): Promise<LoadStats> {
    return this.call('DELETE', '/load');
  }
  webhookDeliveries(): Promise<lab.WebhookDelivery[]> {
    return this.call('GET', '/webhook-deliveries');
  }
}
