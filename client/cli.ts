// The `bluegreen` command table. Commands are declared here and loaded lazily; this file is
// the one exit point that maps errors and outcomes to exit codes and one clear sentence.
import { userInfo } from 'node:os';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ConfigError } from './config.js';
import { EXIT, ExitError } from './errors.js';
import { DECISIONS } from '../contract/vocabulary.js';
import type { DecisionName } from './commands/decide.js';
import { DECISION_COMMANDS, type DecisionCommand } from './decision-commands.js';
import { packageVersion } from './version.js';
import { completionScript, SHELLS, type CompletionCommand, type Shell } from './completion.js';
import { OUTPUT_CHOICES, outputFormat, type OutputFlags } from './output-format.js';

// Errors are told apart by name, not instanceof: importing their modules here would load
// the Temporal client, zod and yaml before `--help` could answer.
const named = (err: unknown, name: string): err is Error => err instanceof Error && err.name === name;
/** A gRPC error of @temporalio/client (ServiceError-like: a numeric code and details). */
const grpcError = (err: unknown): { code: number; details?: string; message: string } | undefined => {
  const candidate = err as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  return candidate && typeof candidate.code === 'number' && typeof candidate.details === 'string'
    ? (candidate as { code: number; details: string; message: string })
    : undefined;
};

const defaultUser = (): string => {
  try {
    return process.env['BLUEGREEN_USER'] ?? userInfo().username;
  } catch {
    return 'unknown';
  }
};

const colorOption = () =>
  new Option('--color <color>', 'deploy to this color instead of the inactive one').choices(['blue', 'green']);
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};
const serviceName = (value: string) => {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not a service name (lowercase letters, digits, ".", "_", "-")`);
  return value;
};

const OUTCOME_CODES =
  '\nExit codes: 0 succeeded (or still running without --wait/--watch), 3 failed, 4 rolled back, 5 aborted,\n' +
  '  2 bad input or no such service, 6 Temporal or its workers unreachable, 7 refused, 130 stopped watching (Ctrl-C)';

const PREFLIGHT_CODES =
  'Exit codes: 0 nothing failed; else the code of the first ✗, as every command gives that problem:\n' +
  '  2 set-up (namespace, search attributes, GitHub credentials) or bad input, 6 Temporal or its workers unreachable,\n' +
  '  7 the repository, its workflows or an endpoint not ready';

/** The Temporal CLI's connection flags, with its meaning: a flag wins over TEMPORAL_*, which wins over --env and the profile. */
const withConnectionFlags = (cmd: Command): Command =>
  cmd
    .option(
      '--address <host:port>',
      'Temporal frontend (default: $TEMPORAL_ADDRESS, the --env preset, the profile, localhost:7233)',
    )
    .option('-n, --namespace <name>', 'Temporal namespace (default: $TEMPORAL_NAMESPACE, …, default)')
    .option('--env <name>', 'a Temporal CLI environment preset (`temporal env set --env <name> …`; default: $TEMPORAL_ENV)')
    .option('--profile <name>', 'profile of the Temporal config file temporal.toml (default: $TEMPORAL_PROFILE, else default)');

/** `--json` and `-o json|jsonl` (the Temporal CLI's name); `--json` is `-o json`. */
const withOutputFlags = (cmd: Command, json: string): Command =>
  cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices([...OUTPUT_CHOICES]))
    .option('--json', `${json} (the same as -o json)`);

/** Commands that print one JSON document or one per change take json and jsonl alike: `json` says which. */
const jsonFlag = <O extends OutputFlags>(o: O): O & { json: boolean } => ({ ...o, json: outputFormat(o) !== 'text' });

const uiUrlOption = () =>
  new Option('--ui-url <url>', 'base of the Temporal Web UI (default: $BLUEGREEN_UI_URL, else from the address)');

export function buildProgram(): Command {
  const program = new Command('bluegreen')
    .description('Durable blue/green deployments on Temporal for apps deployed through GitHub Actions')
    .version(packageVersion(), '-V, --version', 'print the version of bluegreen')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const deploy = program
    .command('deploy')
    .description('start a deployment of the service described by a config file, or a release train')
    .argument('[file]', 'a bluegreen.yaml, or a bluegreen-train.yaml to start a release train (same as -c)')
    .option('-c, --config <file>', 'bluegreen.yaml (or bluegreen-train.yaml) to deploy with (default: ./bluegreen.yaml)')
    .addOption(colorOption())
    .option('--wait', 'follow the deployment until it ends; the exit code tells the outcome')
    .option('--dry-run', 'print the resolved plan and start nothing')
    .option('--no-preflight', "start without running `bluegreen doctor`'s checks first")
    .addOption(new Option('--by <name>', 'who starts it').default(defaultUser(), '$BLUEGREEN_USER or your login'))
    .option('--task-queue <name>', 'task queue of the workers (default: bluegreen)')
    .addOption(uiUrlOption())
    .addHelpText(
      'after',
      `\nExamples:\n  bluegreen deploy -c bluegreen.yaml --wait\n  bluegreen deploy -c bluegreen.yaml --color blue --dry-run\n  bluegreen deploy --wait --json > deployment.jsonl\n  bluegreen deploy bluegreen-train.yaml --dry-run\n\nBefore it starts anything, deploy runs \`bluegreen doctor\`'s checks and refuses with the ✗ lines\nand their fixes when one fails, exiting with the first ✗'s code (2, 6 or 7: see doctor --help);\n--no-preflight skips them.\n${OUTCOME_CODES}`,
    )
    .action(
      recordExit(async (file: string | undefined, o) =>
        (await import('./commands/deploy.js')).deploy(jsonFlag({ ...o, ...(file ? { config: file } : {}) })),
      ),
    );
  withOutputFlags(deploy, 'machine-readable output (one JSON object per change with --wait)');
  withConnectionFlags(deploy);

  const status = program
    .command('status')
    .description("show a service's current or last deployment")
    .argument('<service>', 'service name from the config', serviceName)
    .option('-w, --watch', 'follow it live until it ends')
    .option('--web', 'open the deployment in the Temporal Web UI (and print its address)')
    .addOption(uiUrlOption())
    .addHelpText(
      'after',
      `\nExamples:\n  bluegreen status datatruck-api --watch\n  bluegreen status datatruck-api -o json | jq .phase\n  bluegreen status datatruck-api --web\n${OUTCOME_CODES}`,
    )
    .action(recordExit(async (service, o) => (await import('./commands/status.js')).status(service, jsonFlag(o))));
  withOutputFlags(status, 'print the status as JSON (one object per change with --watch)');
  withConnectionFlags(status);

  const list = program
    .command('list')
    .description('list deployments (from Temporal visibility)')
    .option('--running', 'only running deployments')
    .option('--service <service>', 'only this service', serviceName)
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .addHelpText(
      'after',
      '\nExamples:\n  bluegreen list --running\n  bluegreen list --service datatruck-api -o jsonl\n\nExit codes: 0 listed (also when nothing runs), 2 --service names a service with no deployment at all',
    )
    .action(recordExit(async (o) => (await import('./commands/list.js')).list(o)));
  withOutputFlags(list, 'print one JSON array (jsonl: one object per line); times in ISO 8601');
  withConnectionFlags(list);

  const history = program
    .command('history')
    .description('past deployments of a service: when, who, from → to, SHA, outcome, duration')
    .argument('<service>', 'service name', serviceName)
    .option('--limit <n>', 'at most this many', positiveInt, 20)
    .addHelpText(
      'after',
      '\nExample:\n  bluegreen history datatruck-api --limit 5\n\nExit codes: 0 listed, 2 no deployment of that service at all',
    )
    .action(recordExit(async (service, o) => (await import('./commands/list.js')).history(service, o)));
  withOutputFlags(history, "print the deployments' final statuses as one JSON array (jsonl: one per line)");
  withConnectionFlags(history);

  const decision = (name: DecisionName, { description, textHelp, example }: DecisionCommand) => {
    const cmd = program
      .command(name)
      .description(description)
      .argument('<service>', 'service name', serviceName)
      .addOption(
        new Option('--by <name>', 'who decides (checked against approval.approvers)').default(
          defaultUser(),
          '$BLUEGREEN_USER or your login',
        ),
      );
    const textField = DECISIONS[name === 'override-window' ? 'override' : name].textField;
    if (textField) {
      const flag = `--${textField.name} <text>`;
      if (textField.required) cmd.requiredOption(flag, textHelp);
      else cmd.option(flag, textHelp);
    }
    cmd.addHelpText(
      'after',
      `\nExample:\n  ${example}\n\nExit codes: 0 it counted, 7 refused (with the reason), 2 no such service, 6 no worker answered`,
    );
    withConnectionFlags(cmd);
    cmd.action(
      recordExit(async (service, o, self: Command) =>
        (await import('./commands/decide.js')).decide(name, service, {
          ...o,
          // Typed on the command line (not the $BLUEGREEN_USER / login default): on the GitHub path it must be the token's owner.
          byGiven: self.getOptionValueSource('by') === 'cli',
        }),
      ),
    );
  };
  for (const [name, command] of Object.entries(DECISION_COMMANDS)) decision(name as DecisionName, command);

  const revert = program
    .command('revert')
    .description('bring back the version a SUCCEEDED deployment replaced: a switch back, or a redeploy of the previous SHA')
    .argument('<service>', 'service name', serviceName)
    .requiredOption('--reason <text>', 'why (recorded with the revert deployment)')
    .addOption(new Option('--by <name>', 'who reverts').default(defaultUser(), '$BLUEGREEN_USER or your login'))
    .option('--wait', 'follow the revert until it ends; the exit code tells the outcome')
    .option('--dry-run', 'say what the revert would do and start nothing')
    .addOption(uiUrlOption())
    .addHelpText(
      'after',
      `\nExamples:\n  bluegreen revert datatruck-api --reason "checkout errors since 14:10" --wait\n  bluegreen revert datatruck-api --reason "…" --dry-run\n\nDuring the bake window it is the instant rollback; after SUCCEEDED it starts a revert deployment\n(recorded, in history) on the previous deployment's task queue.\n${OUTCOME_CODES}`,
    )
    .action(recordExit(async (service, o) => (await import('./commands/revert.js')).revert(service, jsonFlag(o))));
  withOutputFlags(revert, 'machine-readable output');
  withConnectionFlags(revert);

  const worker = program
    .command('worker')
    .description('run a worker (reads TEMPORAL_* and GITHUB_TOKEN or GITHUB_APP_* from the environment)')
    .option('--task-queue <name>', 'task queue to serve (default: bluegreen)')
    .option(
      '--metrics-address <host:port>',
      'serve Prometheus metrics at http://<host:port>/metrics (default: BLUEGREEN_METRICS_ADDRESS, else off)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  bluegreen worker\n  bluegreen worker --task-queue bluegreen-staging\n  bluegreen worker --metrics-address 0.0.0.0:9464\n\nEnvironment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (or a Temporal CLI profile), GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY + GITHUB_APP_INSTALLATION_ID, BLUEGREEN_METRICS_ADDRESS',
    )
    .action(recordExit(async (o) => (await import('./commands/worker.js')).worker(o)));
  withConnectionFlags(worker);

  const webhook = program
    .command('webhook')
    .description(
      'receive GitHub workflow_run webhooks so deployments react to finished runs at once (reads GITHUB_WEBHOOK_SECRET, TEMPORAL_*)',
    )
    .option('--port <n>', 'port to listen on', positiveInt, 8787)
    .option('--host <ip>', 'address to bind (0.0.0.0 behind a reverse proxy or ingress)', '127.0.0.1')
    .addHelpText('after', '\nExample:\n  GITHUB_WEBHOOK_SECRET=… bluegreen webhook --port 8787')
    .action(recordExit(async (o) => (await import('./commands/webhook.js')).webhook(o)));
  withConnectionFlags(webhook);

  const setup = program
    .command('setup')
    .description(
      "make a Temporal namespace ready for bluegreen: create it if missing, register bluegreen's search attributes (idempotent)",
    )
    .option('--retention <duration>', 'history retention of a namespace it creates', '30d')
    .addHelpText(
      'after',
      '\nExamples:\n  bluegreen setup\n  TEMPORAL_NAMESPACE=deployments bluegreen setup --retention 90d\n\nUses the same TEMPORAL_* settings (or profile) as the other commands. Exit codes: 0 ready, 2 bad input,\n6 Temporal unreachable, 7 this identity may not administer the namespace (Temporal Cloud: use its UI or tcld)',
    )
    .action(recordExit(async (o) => (await import('./commands/setup.js')).setup(o)));
  withConnectionFlags(setup);

  const doctor = program
    .command('doctor')
    .description(
      'check every outside thing the config relies on (Temporal, worker, GitHub token, workflows, branches, color endpoint, metric sources)',
    )
    .option('-c, --config <file>', 'bluegreen.yaml to check (default: ./bluegreen.yaml)')
    .option('--task-queue <name>', 'task queue of the workers (default: bluegreen)')
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      `\nExample:\n  bluegreen doctor -c bluegreen.yaml\n\nEach line: ✓ passed, ✗ failed (with the fix), ? could not tell. \`deploy\` runs the same checks first.\n${PREFLIGHT_CODES}`,
    )
    .action(recordExit(async (o) => (await import('./commands/doctor.js')).doctor(o)));
  withConnectionFlags(doctor);

  const init = program
    .command('init')
    .description(
      "write bluegreen.yaml and a worker policy for a repository: reads its workflows through the GitHub API (your GITHUB_TOKEN), shows each one's changes, writes templates where none exist",
    )
    .option('--repo <owner/name>', 'the GitHub repository')
    .option('--github-url <url>', 'GitHub API root (GitHub Enterprise Server: https://HOST/api/v3)')
    .option('--service <name>', 'service name (default: the repository name)')
    .option('--green-branch <branch>', 'branch of the green color (default: green)')
    .option('--blue-branch <branch>', 'branch of the blue color (default: blue)')
    .option('--public-url <url>', 'where users reach the live color')
    .option('--color-path <path>', 'path of the color endpoint (default: /deployment/color/)')
    .option('--green-url <url>', "the green environment's own URL")
    .option('--blue-url <url>', "the blue environment's own URL")
    .option('--deploy-workflow-green <file>', 'deploy workflow of green (default: found by file and name on its branch)')
    .option('--deploy-workflow-blue <file>', 'deploy workflow of blue (default: found by file and name on its branch)')
    .option('--approvers <logins>', 'who approves before traffic moves: GitHub logins or org/team, comma-separated')
    .option('--no-approval', 'no approval step (traffic moves once the new color is verified)')
    .option('-c, --config <file>', 'config file to write (default: ./bluegreen.yaml)')
    .option('--policy <file>', 'worker policy file to write (default: ./bluegreen-worker.yaml)')
    .option('--workflows-dir <dir>', 'where templates of missing workflows are written (default: ./.github/workflows)')
    .option('--force', 'overwrite existing files without asking')
    .option('--no-input', 'never ask, even on a terminal (missing flags are errors)')
    .addHelpText(
      'after',
      '\nExamples:\n  bluegreen init                       # asks, on a terminal\n  bluegreen init --repo datatruck/backend --green-branch green --blue-branch production \\\n    --public-url https://api.example.com --green-url https://green.api.example.com \\\n    --blue-url https://blue.api.example.com --approvers alice,bob\n\nReads the repository with your token: GITHUB_TOKEN (e.g. $(gh auth token)) or GITHUB_APP_*. On a terminal it asks\nfor what the flags do not say, and before replacing a file. Exit codes: 0 written,\n2 bad or missing flags (or a repository, branch or token it cannot read), 7 a file exists (no terminal, no --force)',
    )
    .action(recordExit(async (o) => (await import('./commands/init.js')).init(o)));

  const train = program
    .command('train')
    .description('release trains: several services deployed, approved, switched and rolled back as one');
  const trainStatusCommand = train
    .command('status')
    .description("show a release train and every service's phase, colors and SHA in one view")
    .argument('<name>', 'the train name (train: in bluegreen-train.yaml)', serviceName)
    .option('-w, --watch', 'follow it live until it ends')
    .addHelpText('after', `\nExamples:\n  bluegreen train status shop-release --watch\n${OUTCOME_CODES}`)
    .action(recordExit(async (name: string, o) => (await import('./commands/train.js')).trainStatus(name, jsonFlag(o))));
  withOutputFlags(trainStatusCommand, 'print the train and its services as JSON (one object per change with --watch)');
  withConnectionFlags(trainStatusCommand);
  for (const [decision, what, text] of [
    ['approve', 'approve the whole train (every service it covers must allow you too)', '--comment <text>'],
    ['reject', 'reject the train: every service stops, traffic untouched', '--reason <text>'],
    ['abort', 'stop the train before any service switched: every service stops', '--reason <text>'],
    ['rollback', 'switch every switched service back, in reverse order', '--reason <text>'],
  ] as const) {
    const cmd = train
      .command(decision)
      .description(what)
      .argument('<name>', 'the train name', serviceName)
      .addOption(new Option('--by <name>', 'who decides').default(defaultUser(), '$BLUEGREEN_USER or your login'));
    if (text === '--comment <text>') cmd.option(text, 'a note kept with the approval');
    else cmd.requiredOption(text, 'why (kept with the decision)');
    cmd.action(
      recordExit(async (name: string, o, self: Command) =>
        (await import('./commands/train.js')).trainDecide(decision, name, {
          ...o,
          // On the GitHub path (the train's gate on GitHub) a typed --by must be the token's owner.
          byGiven: self.getOptionValueSource('by') === 'cli',
        }),
      ),
    );
    withConnectionFlags(cmd);
  }

  const validate = program
    .command('validate')
    .description('check a config file (or a release train file) and report every problem at once')
    .argument('[file]', 'a bluegreen.yaml or bluegreen-train.yaml (same as -c)')
    .option('-c, --config <file>', 'bluegreen.yaml or bluegreen-train.yaml to check (default: ./bluegreen.yaml)')
    .addHelpText('after', '\nExamples:\n  bluegreen validate -c bluegreen.yaml\n  bluegreen validate bluegreen-train.yaml')
    .action(
      recordExit(async (file: string | undefined, o) =>
        (await import('./commands/validate.js')).validate(jsonFlag({ ...o, ...(file ? { config: file } : {}) })),
      ),
    );
  withOutputFlags(validate, 'print the resolved config, or the problems, as JSON');

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices([...SHELLS]))
    .addHelpText(
      'after',
      '\nExamples:\n  eval "$(bluegreen completion bash)"     # in ~/.bashrc\n  eval "$(bluegreen completion zsh)"      # in ~/.zshrc, after compinit\n  bluegreen completion fish > ~/.config/fish/completions/bluegreen.fish',
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(shell, program.name(), completionCommands(program)));
      lastExitCode = EXIT.SUCCEEDED;
    });

  // `--switch` and each switch type's own flags come from the types' client parts (their init
  // parts), loaded only when init, its help or the completion script needs them.
  program.hook('preSubcommand', async (_program, sub) => {
    if (sub === init || sub.name() === 'completion') (await import('./init/switch-types.js')).addInitSwitchOptions(init);
  });

  // Commander's own errors (unknown option, missing argument…) in the CLI's one-line form.
  for (const cmd of [program, ...program.commands]) {
    const where = cmd === program ? 'bluegreen' : `bluegreen ${cmd.name()}`;
    cmd.configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`${where}: ${text.trim().replace(/^error: /, '')} (see \`${where} --help\`)\n`),
    });
  }
  return program;
}

/** The command table as the completion scripts need it: names, flags, their values. */
function completionCommands(program: Command): CompletionCommand[] {
  return program.commands.map((cmd) => ({
    name: cmd.name(),
    description: cmd.description(),
    options: cmd.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => f !== undefined),
      description: o.description,
      takesValue: o.required || o.optional,
      ...(o.argChoices ? { choices: o.argChoices } : {}),
      ...(o.long === '--config' ? { file: true } : {}),
    })),
  }));
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack trace for user errors. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  for (const cmd of program.commands) cmd.exitOverride();
  // `bluegreen help init` runs no hook: the switch types' init flags are added before it.
  const init = program.commands.find((cmd) => cmd.name() === 'init');
  if (argv[0] === 'help' && argv[1] === 'init' && init) (await import('./init/switch-types.js')).addInitSwitchOptions(init);
  lastExitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return lastExitCode ?? EXIT.SUCCEEDED;
  } catch (err) {
    return reportError(err);
  }
}

let lastExitCode: number | undefined;
/** Commander drops an action's return value: keep the exit code the command returned. */
const recordExit =
  <A extends unknown[]>(action: (...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    lastExitCode = await action(...args);
  };

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (unknown option, missing argument…), or help.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version')
      return EXIT.SUCCEEDED;
    return EXIT.BAD_INPUT;
  }
  if (named(err, 'ConfigError')) {
    const configError = err as ConfigError;
    const { problems, source } = configError;
    const [only] = problems;
    if (problems.length === 1 && only && only.path === '') {
      const at = only.line !== undefined ? `:${only.line}:${only.column ?? 1}` : '';
      console.error(`bluegreen: ${source}${at}: ${only.message}`);
    } else {
      const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
      console.error(`bluegreen: ${source} is not a valid config (${count}; nothing was started):`);
      // In file order, eslint-like: line:column, then the field and what is wrong with it.
      const at = (p: (typeof problems)[number]) => (p.line !== undefined ? `${p.line}:${p.column ?? 1}` : '');
      const width = Math.max(0, ...problems.map((p) => at(p).length));
      for (const p of problems) {
        const where = width > 0 ? `${at(p).padEnd(width)}  ` : '- ';
        console.error(`  ${where}${p.path ? `${p.path}: ` : ''}${p.message}`);
      }
    }
    return EXIT.BAD_INPUT;
  }
  if (named(err, 'TemporalConnectionConfigError') || named(err, 'TemporalNamespaceError')) {
    console.error(`bluegreen: ${err.message}`);
    return EXIT.BAD_INPUT;
  }
  if (err instanceof ExitError) {
    console.error(`bluegreen: ${err.message}`);
    return err.exitCode;
  }
  const grpc = grpcError(err) ?? grpcError((err as { cause?: unknown } | undefined)?.cause);
  if (grpc && [4, 14].includes(grpc.code)) {
    // UNAVAILABLE / DEADLINE_EXCEEDED after connecting: the server went away mid-command.
    console.error(
      `bluegreen: lost the connection to Temporal (${grpc.details || grpc.message}); the deployment itself is not affected`,
    );
    return EXIT.TEMPORAL_UNREACHABLE;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/GITHUB_TOKEN|GITHUB_APP/.test(message)) {
    console.error(`bluegreen: ${message}`);
    return EXIT.BAD_INPUT;
  }
  if (/Unknown encoding: binary\/encrypted/.test(message)) {
    console.error(
      "bluegreen: this deployment's payloads are encrypted: set BLUEGREEN_CODEC_KEY to the key the workers use (docs/security.md)",
    );
    return EXIT.BAD_INPUT;
  }
  if (named(err, 'CodecKeyError')) {
    console.error(
      `bluegreen: cannot read this deployment's payloads: ${message} (BLUEGREEN_CODEC_KEY / BLUEGREEN_CODEC_PREVIOUS_KEYS)`,
    );
    return EXIT.BAD_INPUT;
  }
  console.error(`bluegreen: unexpected error: ${message}`);
  if (process.env['BLUEGREEN_DEBUG']) console.error(err);
  return EXIT.INTERNAL;
}
