// `bluegreen validate -c bluegreen.yaml` (or a bluegreen-train.yaml): every problem at once, nothing started.
import { describeLevels } from '../../contract/train.js';
import { ConfigError, loadConfigFile } from '../config.js';
import { EXIT } from '../errors.js';
import { notifyPolicyProblems } from '../notify-policy-check.js';
import { resolvePlan } from '../plan.js';
import { isTrainFile, loadTrainFile } from '../train-config.js';
import { configPath } from './config-path.js';

export async function validate(options: { config?: string; json?: boolean }): Promise<number> {
  const path = configPath(options.config);
  try {
    if (await isTrainFile(path)) return await validateTrain(path, options.json === true);
    const config = await loadConfigFile(path);
    const plan = resolvePlan(config, { requestedBy: 'validate' });
    const channelProblems = await notifyPolicyProblems(plan);
    if (channelProblems.length > 0) throw new ConfigError(path, channelProblems);
    if (options.json) console.log(JSON.stringify({ valid: true, file: path, config }, null, 2));
    else console.log(`${path}: valid (service ${plan.service}, ${plan.github.owner}/${plan.github.repo})`);
    return EXIT.SUCCEEDED;
  } catch (err) {
    if (!(err instanceof ConfigError) || !options.json) throw err;
    // Machine-readable problems on stdout (for editors and CI annotations), still exit 2.
    console.log(JSON.stringify({ valid: false, file: err.source, problems: err.problems }, null, 2));
    return EXIT.BAD_INPUT;
  }
}

/** A train file, every service file it names, and the order they switch in. */
async function validateTrain(path: string, json: boolean): Promise<number> {
  const train = await loadTrainFile(path);
  for (const s of train.services) {
    const problems = await notifyPolicyProblems(resolvePlan(s.config, { requestedBy: 'validate' }));
    if (problems.length > 0) throw new ConfigError(s.configPath, problems);
  }
  if (json) {
    const services = train.services.map((s) => ({ service: s.service, after: s.after, config: s.configPath }));
    console.log(JSON.stringify({ valid: true, file: path, train: train.config.train, levels: train.levels, services }, null, 2));
  } else {
    console.log(`${path}: valid (train ${train.config.train}, ${train.services.length} services)`);
    console.log(`switch order: ${describeLevels(train.levels)}`);
  }
  return EXIT.SUCCEEDED;
}
