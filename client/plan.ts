// Turns a validated config into the plain DeploymentPlan the workflow starts with.
import { randomBytes } from 'node:crypto';
import type { Color, DeploymentPlan, DnsPlan, DnsTargetPlan, HookPlan, SwitchPlan } from '../workflows/types.js';
import type { NotifyPlan } from '../notify/events.js';
import type { BlueGreenConfig } from './config-schema.js';

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
  const sw = config.switch ?? { type: 'workflow' as const, workflow: 'dns-update.yml', verifyTimeout: 600_000 };
  const switchPlan: SwitchPlan =
    sw.type === 'http'
      ? { type: 'http', url: sw.url, tokenEnv: sw.tokenEnv, verifyTimeoutMs: sw.verifyTimeout }
      : sw.type === 'dns'
        ? {
            type: 'dns',
            ...(sw.server !== undefined ? { server: sw.server } : {}),
            tsig: sw.tsig,
            updateTimeoutMs: sw.updateTimeout,
            verifyTimeoutMs: sw.verifyTimeout,
          }
        : { type: 'workflow', workflow: sw.workflow, ref: sw.ref ?? blueBranch, verifyTimeoutMs: sw.verifyTimeout };
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
    deploy: { runTimeoutMs: config.deploy.runTimeout, pollIntervalMs: config.deploy.pollInterval },
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
    },
    monitor: {
      durationMs: config.monitor.duration,
      intervalMs: config.monitor.interval,
      failureThreshold: config.monitor.failureThreshold,
    },
    sync: config.sync,
    rollback: config.rollback,
    hooks: { preSwitch: config.hooks.preSwitch.map(hook), postSync: config.hooks.postSync.map(hook) },
    ...(config.dns ? { dns: dnsPlan(config.dns) } : {}),
    timeouts: { heartbeatMs: config.timeouts.heartbeat },
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
