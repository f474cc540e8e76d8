// Every `bluegreen …` command line shown to people (status, Web UI, notifications, errors) is
// built here, so how the CLI is invoked is written once.
/** How people run the CLI. */
export const CLI = 'bluegreen';

/** A command line: `bluegreenCommand('approve', service, '--by <name>')` → `bluegreen approve svc --by <name>`. */
export const bluegreenCommand = (...words: string[]): string => [CLI, ...words.filter((w) => w !== '')].join(' ');

/** A decision's command line with the `--by <name>` every decision takes. */
export const decisionCommand = (decision: string, service: string, ...options: string[]): string =>
  bluegreenCommand(decision, service, '--by <name>', ...options);
