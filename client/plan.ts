// Turns a validated config into the plain DeploymentPlan the workflow starts with.
import { randomBytes } from 'node:crypto';
import { DEFAULT_SWITCH_CONFIG, switchPlanOf } from '../switches/client.js';
import type { Color, DeploymentPlan, DnsPlan, DnsTargetPlan, HookPlan } from '../contract/types.js';
import type { NotifyPlan } from '../contract/notify-events.js';
import type { BlueGreenConfig } from './config-schema.js';
import { analysisPlanFields } from './analysis-plan.js';
import { FAILURE_STEPS } from '../config/resilience-schema.js';

export interface PlanOptions {
  requestedBy: string;
  color?: Color;
  /** Fixed id for tests; by default `<service>-<UTC timestamp>-<random>`. */
  deploymentId?: string;
  now?: Date;
}

export function newDeploymentId(service: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${service}-${stamp}-${randomBytes(2).toString('hex')}`;
}

function dnsPlan(dns: NonNullable<BlueGreenConfig['dns']>): DnsPlan {
  const target = (t: (typeof dns.targets)['blue']): DnsTargetPlan => ({
    ...(t.cname !== undefined ? { cname: t.cname } : {}),
    ...(t.a !== undefined ? { a: t.a } : {}),
    ...(t.aaaa !== undefined ? { aaaa: t.aaaa } : {}),
  });
  return {
    zone: dns.zone,
    record: dns.record,
    ...(dns.ttl !== undefined ? { ttl: dns.ttl } : {}),
    targets: { blue: target(dns.targets.blue), green: target(dns.targets.green) },
    ...(dns.nameservers !== undefined ? { nameservers: dns.nameservers } : {}),
  };
}

export function resolvePlan(config: BlueGreenConfig, options: PlanOptions): DeploymentPlan {
  const blueBranch = config.environments.blue.branch;
  const hook = (h: BlueGreenConfig['hooks']['preSwitch'][number]): HookPlan => ({
    name: h.name,
    workflow: h.workflow,
    ref: h.ref ?? blueBranch,
    inputs: h.inputs,
  });
  const switchPlan = switchPlanOf(config.switch ?? DEFAULT_SWITCH_CONFIG, blueBranch);
  return {
    service: config.service,
    deploymentId: options.deploymentId ?? newDeploymentId(config.service, options.now),
    requestedBy: options.requestedBy,
    github: {
      owner: config.github.owner,
      repo: config.github.repo,
      ...(config.github.baseUrl ? { baseUrl: config.github.baseUrl } : {}),
    },
    publicUrl: config.publicUrl,
    colorPath: config.colorPath,
    environments: config.environments,
    ...(options.color ? { requestedColor: options.color } : {}),
    deploy: {
      runTimeoutMs: config.deploy.runTimeout,
      pollIntervalMs: config.deploy.pollInterval,
      ...(config.deploy.dispatchWindow !== undefined ? { dispatchWindowMs: config.deploy.dispatchWindow } : {}),
    },
    switch: switchPlan,
    verify: {
      healthPath: config.verify.healthPath,
      successes: config.verify.successes,
      intervalMs: config.verify.interval,
      timeoutMs: config.verify.timeout,
    },
    approval: {
      required: config.approval.required,
      approvers: config.approval.approvers,
      timeoutMs: config.approval.timeout,
      via: [config.approval.via],
      ...(config.approval.via === 'github'
        ? {
            gate: {
              workflow: config.approval.workflow,
              ref: config.approval.ref ?? blueBranch,
              environment: config.approval.environment,
            },
          }
        : {}),
      minApprovals: config.approval.minApprovals,
      allowSelfApproval: config.approval.allowSelfApproval,
    },
    monitor: {
      durationMs: config.monitor.duration,
      intervalMs: config.monitor.interval,
      failureThreshold: config.monitor.failureThreshold,
      ...(config.monitor.standby.probe
        ? { standby: { failures: config.monitor.standby.failures, askTimeoutMs: config.monitor.standby.askTimeout } }
        : {}),
    },
    sync: {
      enabled: config.sync.enabled,
      redeploy: config.sync.redeploy,
      ...(config.bake.duration > 0 ? { afterMs: config.bake.duration } : {}),
    },
    rollback: config.rollback,
    hooks: { preSwitch: config.hooks.preSwitch.map(hook), postSync: config.hooks.postSync.map(hook) },
    ...(config.dns ? { dns: dnsPlan(config.dns) } : {}),
    timeouts: { heartbeatMs: config.timeouts.heartbeat },
    ...analysisPlanFields(config, blueBranch),
    ...resiliencePlan(config),
    ...notifyPlan(config),
  };
}

/** Channel names and gate timings; absent when nothing is subscribed (plans stay as they were). */
function notifyPlan(config: BlueGreenConfig): { notify?: NotifyPlan } {
  const { approval } = config;
  if (config.notify.length === 0 && !approval.escalateTo) return {};
  return {
    notify: {
      subscriptions: config.notify.map((s) => ({ channel: s.channel, events: s.events })),
      ...(approval.remindEvery !== undefined ? { remindEveryMs: approval.remindEvery } : {}),
      ...(approval.escalateAfter !== undefined ? { escalateAfterMs: approval.escalateAfter } : {}),
      escalateTo: approval.escalateTo ?? [],
    },
  };
}

/** onFailure, windows and freezes: only what differs from the defaults, so plain plans stay as they were. */
function resiliencePlan(config: BlueGreenConfig): Pick<DeploymentPlan, 'onFailure' | 'switchWindows'> {
  const onFailure: NonNullable<DeploymentPlan['onFailure']> = {};
  for (const step of FAILURE_STEPS) {
    const policy = config.onFailure[step];
    if (policy?.action !== 'ask') continue;
    onFailure[step] = {
      action: 'ask',
      retryTimeoutMs: policy.retryTimeout,
      default: policy.default,
      maxRetries: policy.maxRetries,
    };
  }
  const { windows, freezes } = config;
  return {
    ...(Object.keys(onFailure).length > 0 ? { onFailure } : {}),
    ...(windows.length > 0 || freezes.length > 0
      ? {
          switchWindows: {
            windows: windows.map((w) => ({ ...w, source: 'bluegreen.yaml' })),
            freezes: freezes.map((f) => ({ ...f, source: 'bluegreen.yaml' })),
          },
        }
      : {}),
  };
}
