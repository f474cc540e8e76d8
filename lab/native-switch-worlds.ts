// The lab with a native traffic switch in front of its two apps, for the demo and the benches:
// an ALB listener rule in moto (the router follows its weighted target groups), Route 53 weighted
// records in moto (the router follows their weights), or a real HAProxy whose frontend is the
// public URL and whose Runtime API the switch drives. Each world gives the switch section of
// bluegreen.yaml, the worker policy sections that allow exactly that target, and the worker's
// environment (moto's dummy AWS credentials).
import { readAlbWeights } from '../switches/alb/aws.js';
import { readRoute53Weights } from '../switches/route53/aws.js';
import { readHaproxyWeights } from '../switches/haproxy/runtime.js';
import { startHaproxy, type HaproxyServer } from './haproxy.js';
import { startLab, type Lab, type LabOptions } from './index.js';
import { createWeightedAlbRule } from './moto-alb.js';
import { createWeightedRecords } from './moto-route53.js';
import { startMoto, type MotoServer } from './moto.js';
import type { Color } from './types.js';

export const NATIVE_SWITCH_TYPES = ['alb', 'route53', 'haproxy'] as const;
export type NativeSwitchType = (typeof NATIVE_SWITCH_TYPES)[number];

export interface NativeSwitchWorld {
  type: NativeSwitchType;
  /** The GitHub simulator and the two apps (and, for alb and route53, the router that follows the provider). */
  lab: Lab;
  /** What users reach: the lab's router, or HAProxy's frontend. */
  publicUrl: string;
  /** The `switch` section of bluegreen.yaml. */
  switchConfig: Record<string, unknown>;
  /** The worker policy's section for this target (YAML, to append to the lab policy). */
  policyYaml: string;
  /** What the worker's environment needs (moto's dummy AWS credentials and region). */
  workerEnv: Record<string, string>;
  /** What runs where, in one line. */
  description: string;
  /** The provider's split now, read as the switch reads it. */
  readWeights(): Promise<Record<Color, number>>;
  close(): Promise<void>;
}

/** moto accepts any credentials; the worker's default chain finds these in its environment. */
const MOTO_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

/** How often the lab's router reads the emulated provider's weights. */
export const FOLLOW_INTERVAL_MS = 100;

export async function startNativeSwitchWorld(type: NativeSwitchType, labOptions: LabOptions = {}): Promise<NativeSwitchWorld> {
  if (type === 'haproxy') return startHaproxyWorld(labOptions);
  const moto = await startMoto();
  try {
    return type === 'alb' ? await startAlbWorld(moto, labOptions) : await startRoute53World(moto, labOptions);
  } catch (err) {
    await moto.close();
    throw err;
  }
}

const awsSection = (key: string, moto: MotoServer, body: string) =>
  `${key}:\n  region: us-east-1\n  endpoint: "${moto.url}"\n${body}`;

async function startAlbWorld(moto: MotoServer, labOptions: LabOptions): Promise<NativeSwitchWorld> {
  const { elb, ruleArn, targetGroups } = await createWeightedAlbRule(moto, 'bluegreen-lab', 'api.example.com');
  const readWeights = () => readAlbWeights(elb, { ruleArn, targetGroups });
  const lab = await startLab({ ...labOptions, weights: { read: readWeights, pollIntervalMs: FOLLOW_INTERVAL_MS } });
  return {
    type: 'alb',
    lab,
    publicUrl: lab.publicUrl,
    switchConfig: { type: 'alb', ruleArn, targetGroups, verifyTimeout: '30s' },
    policyYaml: awsSection(
      'alb',
      moto,
      `  rules: ["${ruleArn}"]\n  targetGroups: ["${targetGroups.blue}", "${targetGroups.green}"]\n`,
    ),
    workerEnv: MOTO_ENV,
    description: `moto ${moto.url}: ALB rule ${ruleArn.split('/').slice(-1)[0]} forwarding to blue/green target groups; public ${lab.publicUrl} follows its weights every ${FOLLOW_INTERVAL_MS} ms`,
    readWeights,
    close: async () => {
      await lab.close();
      await moto.close();
    },
  };
}

async function startRoute53World(moto: MotoServer, labOptions: LabOptions): Promise<NativeSwitchWorld> {
  const { r53, hostedZoneId, name } = await createWeightedRecords(moto, 'lab.example.com', 'api', 1);
  const readWeights = async () => (await readRoute53Weights(r53, { hostedZoneId, name })).weights;
  const lab = await startLab({ ...labOptions, weights: { read: readWeights, pollIntervalMs: FOLLOW_INTERVAL_MS } });
  return {
    type: 'route53',
    lab,
    publicUrl: lab.publicUrl,
    switchConfig: { type: 'route53', hostedZoneId, name, verifyTimeout: '30s' },
    policyYaml: awsSection('route53', moto, `  zones: [{ id: ${hostedZoneId}, names: ["${name}"] }]\n`),
    workerEnv: MOTO_ENV,
    description: `moto ${moto.url}: weighted CNAME records ${name} (TTL 1 s) in zone ${hostedZoneId}; public ${lab.publicUrl} follows their weights every ${FOLLOW_INTERVAL_MS} ms`,
    readWeights,
    close: async () => {
      await lab.close();
      await moto.close();
    },
  };
}

async function startHaproxyWorld(labOptions: LabOptions): Promise<NativeSwitchWorld> {
  const lab = await startLab(labOptions);
  let haproxy: HaproxyServer;
  try {
    const port = (color: Color) => Number(new URL(lab.appUrls[color]).port);
    haproxy = await startHaproxy({ servers: { blue: port('blue'), green: port('green') } });
  } catch (err) {
    await lab.close();
    throw err;
  }
  const target = { socket: haproxy.socket, backend: haproxy.backend, servers: { blue: 'blue', green: 'green' } };
  return {
    type: 'haproxy',
    lab,
    publicUrl: haproxy.url,
    switchConfig: { type: 'haproxy', socket: haproxy.socket, backend: haproxy.backend, verifyTimeout: '30s' },
    policyYaml: `haproxy:\n  sockets: [{ path: "${haproxy.socket}", backends: [${haproxy.backend}] }]\n`,
    workerEnv: {},
    description: `HAProxy ${haproxy.url} (backend ${haproxy.backend}: blue ${lab.appUrls.blue}, green ${lab.appUrls.green}; Runtime API ${haproxy.socket})`,
    readWeights: () => readHaproxyWeights(target, { timeoutMs: 2000 }),
    close: async () => {
      await haproxy.close();
      await lab.close();
    },
  };
}
