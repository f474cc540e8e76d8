// `bluegreen validate -c bluegreen.yaml`: every problem at once, nothing started.
import { ConfigError, loadConfigFile } from '../config.js';
import { EXIT } from '../errors.js';
import { notifyPolicyProblems } from '../notify-policy-check.js';
import { resolvePlan } from '../plan.js';
import { configPath } from './config-path.js';

export async function validate(options: { config?: string; json?: boolean }): Promise<number> {
  const path = configPath(options.config);
  try {
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
    console.log(JSON.stringify({ valid: false, file: path, problems: err.problems }, null, 2));
    return EXIT.BAD_INPUT;
  }
}
