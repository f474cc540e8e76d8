// `bluegreen validate -c bluegreen.yaml`: every problem at once, nothing started.
import { loadConfigFile } from '../config.js';
import { resolvePlan } from '../plan.js';
import { EXIT } from '../errors.js';

export async function validate(options: { config: string; json: boolean }): Promise<number> {
  const config = await loadConfigFile(options.config);
  const plan = resolvePlan(config, { requestedBy: 'validate' });
  if (options.json) console.log(JSON.stringify({ valid: true, config }, null, 2));
  else console.log(`${options.config}: valid (service ${plan.service}, ${plan.github.owner}/${plan.github.repo})`);
  return EXIT.SUCCEEDED;
}
