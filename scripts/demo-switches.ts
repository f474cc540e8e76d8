// Which lab the demo runs on for `--switch` (and `--app-router`), and the demo labs of the native
// switch types: an ALB listener rule or Route 53 weighted records in moto (the lab's router
// follows the emulated weights, so the public endpoint moves with them), or a real HAProxy whose
// frontend is the public endpoint. The worker policy lists exactly the rule, zone or socket.
import { ensureHaproxy } from '../lab/haproxy.js';
import { ensureMoto } from '../lab/moto.js';
import { NATIVE_SWITCH_TYPES, startNativeSwitchWorld, type NativeSwitchType } from '../lab/native-switch-worlds.js';
import { LAB_WORKER_POLICY_YAML } from '../lab/worker-policy.js';
import { parseWorkerPolicy } from '../worker/policy.js';
import type { Color } from '../contract/types.js';
import type { DemoLab, DemoLabKind } from './demo-labs.js';

/** The values `--switch` takes. */
export const DEMO_SWITCHES = ['workflow', 'dns', ...NATIVE_SWITCH_TYPES] as const;

export const DEMO_SWITCH_HELP = `  --switch alb       switch by reweighting an ALB listener rule's target groups in moto (the AWS API
                     emulator, installed into .tools/ when missing); the public router follows the rule
  --switch route53   switch by reweighting Route 53 weighted records in moto, waiting for INSYNC; the
                     public router follows the records
  --switch haproxy   switch through a real HAProxy's Runtime API (apt's haproxy); its frontend is the
                     public endpoint`;

/** The demo lab for the flags; refuses a `--switch` it does not know, naming the ones it does. */
export function demoLabKind(switchType: string, appRouter: boolean): DemoLabKind {
  if (!(DEMO_SWITCHES as readonly string[]).includes(switchType))
    throw new Error(`--switch ${switchType}: use one of ${DEMO_SWITCHES.join(', ')} (workflow is the default)`);
  if (appRouter) {
    if (switchType !== 'workflow') throw new Error(`--app-router switches over HTTP: leave out --switch ${switchType}`);
    return 'app-router';
  }
  if (switchType === 'dns') return 'knot-dns';
  return switchType === 'workflow' ? 'dns' : (switchType as NativeSwitchType);
}

export const isNativeSwitchKind = (kind: DemoLabKind): kind is NativeSwitchType =>
  (NATIVE_SWITCH_TYPES as readonly string[]).includes(kind);

/** The lab behind the native switch `type`, installing moto or HAProxy first when missing. */
export async function startNativeSwitchDemoLab(
  type: NativeSwitchType,
  runTiming: { queuedMs: number; inProgressMs: number },
): Promise<DemoLab> {
  const tool = type === 'haproxy' ? await ensureHaproxy() : await ensureMoto();
  if ('missing' in tool) throw new Error(tool.missing);
  const world = await startNativeSwitchWorld(type, { runTiming });
  // The worker runs in this process: the AWS SDK's default chain reads moto's dummy credentials
  // here, so no real AWS credential of the shell is ever sent (moto is the only endpoint).
  Object.assign(process.env, world.workerEnv);
  const { lab } = world;
  // The weights as the provider holds them, each change once: what the switch wrote, in order.
  const seen: string[] = [];
  let last = '';
  let leading: Color = 'blue';
  const watch = setInterval(() => {
    void world.readWeights().then(
      (w) => {
        leading = w.green > w.blue ? 'green' : 'blue';
        const text = `blue ${w.blue} %, green ${w.green} %`;
        if (text !== last) seen.push(`${new Date().toISOString().slice(11, 19)} ${type} weights: ${text}`);
        last = text;
      },
      () => undefined,
    );
  }, 100);
  watch.unref();
  const activeColor = () => leading;
  return {
    description: `GitHub API ${lab.githubUrl}; ${world.description}`,
    publicUrl: world.publicUrl,
    githubToken: lab.token,
    workerEnv: { ...process.env, ...world.workerEnv },
    workerPolicy: parseWorkerPolicy(`${LAB_WORKER_POLICY_YAML}\n${world.policyYaml}`, `the demo's policy (${type})`),
    exampleConfig: (service) => ({ ...lab.exampleConfig(service), publicUrl: world.publicUrl, switch: world.switchConfig }),
    // The color with the larger weight at the provider (HAProxy's frontend is the public endpoint).
    activeColor,
    pushRelease: (message) => {
      const branch = lab.branches[activeColor() === 'blue' ? 'green' : 'blue'];
      return { sha: lab.github.pushCommit(branch, message), branch };
    },
    setHealthy: (color, healthy) => lab.apps.setHealthy(color, healthy),
    story: () => [
      ...seen,
      ...lab.router.switches.map((sw) => `${sw.at.slice(11, 19)} the public router followed them to ${sw.color}`),
    ],
    // --metrics drives load at the lab's router: the public endpoint for alb and route53 only.
    ...(type === 'haproxy' ? {} : { lab }),
    close: async () => {
      clearInterval(watch);
      await world.close();
    },
  };
}
