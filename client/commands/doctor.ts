// `bluegreen doctor [-c bluegreen.yaml]`: every outside thing the config relies on, one line
// each (✓ passed, ✗ failed with the fix, ? could not tell). The exit code is the preflight's
// rule (client/preflight/run.ts): 0 when nothing failed, else the code of the first ✗.
import { loadConfigFile } from '../config.js';
import { resolvePlan } from '../plan.js';
import { renderCheck } from '../preflight/check.js';
import { preflightExitCode, preflightPassed, runPreflight } from '../preflight/run.js';
import { connectionFlagsOf, type ConnectionFlags } from '../temporal-client.js';
import { configPath } from './config-path.js';

export interface DoctorOptions extends ConnectionFlags {
  config?: string;
  taskQueue?: string;
  json?: boolean;
}

export async function doctor(options: DoctorOptions): Promise<number> {
  const file = configPath(options.config);
  const config = await loadConfigFile(file);
  const plan = resolvePlan(config, { requestedBy: 'bluegreen-doctor' });
  const checks = await runPreflight(plan, {
    flags: connectionFlagsOf(options),
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
  });
  const passed = preflightPassed(checks);
  if (options.json) console.log(JSON.stringify({ passed, checks }, null, 2));
  else {
    console.log(`bluegreen doctor: ${file} (${plan.service}, ${plan.github.owner}/${plan.github.repo})`);
    for (const check of checks) console.log(renderCheck(check));
    const failed = checks.filter((c) => c.verdict === 'fail').length;
    console.log(
      passed
        ? 'all checks passed'
        : `${failed} check${failed === 1 ? '' : 's'} failed: fix ${failed === 1 ? 'it' : 'them'} and run \`bluegreen doctor\` again`,
    );
  }
  return preflightExitCode(checks);
}
