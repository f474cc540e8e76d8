// Loads and validates bluegreen-train.yaml and every service's bluegreen.yaml it names, and turns
// them into the TrainPlan the parent workflow starts with. Every problem is reported at once:
// the train file's own (with line and column), its order (an unknown `after:` name, a cycle),
// and each service file's, under the train file's `services.<i>.config`.
import { dirname, resolve } from 'node:path';
import { locateProblems } from '../config/positions.js';
import { ConfigError, readCappedFile, readYamlDocument, toProblems, type ConfigProblem } from '../config/yaml.js';
import { trainLevels, trainOrderProblems, trainWorkflowIdFor, type TrainPlan, type TrainServicePlan } from '../contract/train.js';
import type { BlueGreenConfig } from './config-schema.js';
import { loadConfigFile, MAX_CONFIG_BYTES } from './config.js';
import { newDeploymentId, resolvePlan } from './plan.js';
import { trainConfigSchema, type TrainConfig } from './train-config-schema.js';

export const DEFAULT_TRAIN_FILE = 'bluegreen-train.yaml';

export interface LoadedTrainService {
  service: string;
  after: string[];
  configPath: string;
  config: BlueGreenConfig;
}

export interface LoadedTrain {
  path: string;
  config: TrainConfig;
  services: LoadedTrainService[];
  levels: string[][];
}

const readTrainText = async (path: string): Promise<string> => {
  const bytes = await readCappedFile(path, { what: 'the train file', kind: 'a train file', maxBytes: MAX_CONFIG_BYTES });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(path, [{ path: '', message: 'is not valid UTF-8 text' }]);
  }
};

/**
 * Whether a YAML file is a train file (a mapping with `train:`), not a service's bluegreen.yaml.
 * A file that cannot be read or parsed is not known to be a train: the config loader then
 * reports the problem as a config file's.
 */
export async function isTrainFile(path: string): Promise<boolean> {
  try {
    const { value } = readYamlDocument(await readTrainText(path), path);
    return value !== null && typeof value === 'object' && !Array.isArray(value) && 'train' in value;
  } catch {
    return false;
  }
}

export async function loadTrainFile(path: string): Promise<LoadedTrain> {
  const { value, doc, counter } = readYamlDocument(await readTrainText(path), path);
  const result = trainConfigSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => toProblems(issue, trainConfigSchema));
    throw new ConfigError(path, locateProblems(problems, doc, counter));
  }
  const config = result.data;
  const problems: ConfigProblem[] = [];
  const services: LoadedTrainService[] = [];
  const base = dirname(path);
  for (const [i, entry] of config.services.entries()) {
    const configPath = resolve(base, entry.config);
    try {
      const service = await loadConfigFile(configPath);
      services.push({ service: service.service, after: entry.after, configPath, config: service });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) {
        const where = `${entry.config}${p.line !== undefined ? `:${p.line}` : ''}${p.path ? ` ${p.path}` : ''}`;
        problems.push({ path: `services.${i}.config`, message: `${where}: ${p.message}` });
      }
    }
  }
  if (problems.length === 0) problems.push(...trainOrderProblems(services));
  if (problems.length > 0) throw new ConfigError(path, locateProblems(problems, doc, counter));
  return { path, config, services, levels: trainLevels(services) };
}

export interface TrainPlanOptions {
  requestedBy: string;
  now?: Date;
}

/** The plan of the parent workflow: the train's rules and every service's own plan, marked as the train's. */
export function resolveTrainPlan(loaded: LoadedTrain, options: TrainPlanOptions): TrainPlan {
  const { config } = loaded;
  const now = options.now ?? new Date();
  const trainMonitor = config.monitor.duration;
  const services: TrainServicePlan[] = loaded.services.map((s) => {
    const plan = resolvePlan(s.config, { requestedBy: options.requestedBy, now });
    return {
      service: s.service,
      after: s.after,
      plan: {
        ...plan,
        monitor: { ...plan.monitor, durationMs: Math.max(plan.monitor.durationMs, trainMonitor ?? 0) },
        train: {
          name: config.train,
          workflowId: trainWorkflowIdFor(config.train),
          approval: config.approval.perService ? 'service' : 'train',
        },
      },
    };
  });
  return {
    train: config.train,
    trainId: newDeploymentId(config.train, now),
    requestedBy: options.requestedBy,
    services,
    approval: {
      required: config.approval.required,
      approvers: config.approval.approvers,
      minApprovals: config.approval.minApprovals,
      timeoutMs: config.approval.timeout,
      perService: config.approval.perService,
    },
    monitor: trainMonitor !== undefined ? { durationMs: trainMonitor } : {},
    rollback: { automatic: config.rollback.automatic },
  };
}
