// Live progress for `deploy --wait` and `status --watch`: a redrawn phase list on a TTY,
// one line (or one JSON object) per change elsewhere. Ctrl-C stops watching, never the deployment.
import type { DeploymentStatus } from '../contract/types.js';
import { followDeployment, type DeploymentHandle } from './deployment-handle.js';
import { ExitError } from './errors.js';
import { changeKey, renderLogLines, renderPhaseList } from './render.js';
import { bluegreenCommand } from '../contract/commands.js';

export interface WatchOptions {
  json: boolean;
  out?: NodeJS.WriteStream;
  /** Lines under the phase list (TTY only), e.g. the Web UI link. */
  footer?: string[];
  /** Task queue of the deployment's workers, named when none answers. */
  taskQueue?: string;
  /** Called with every status read (the demo acts on them: approves as QA, breaks a color). */
  onStatus?: (status: DeploymentStatus) => void;
}

/** Exit code of a watch stopped with Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;
const FRAME_MS = 120;
const STALE_AFTER_MS = 15_000;

export async function watchDeployment(handle: DeploymentHandle, options: WatchOptions): Promise<DeploymentStatus> {
  const out = options.out ?? process.stdout;
  const tty = out.isTTY === true && !options.json;
  const service = handle.workflowId.replace(/^bluegreen-/, '');
  const color = tty && !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';

  let latest: DeploymentStatus | undefined;
  let stale: string | undefined;
  let drawnRows = 0;
  let tick = 0;
  let lastKey = '';
  let previous: DeploymentStatus | undefined;

  const draw = () => {
    if (!latest) return;
    const footer = [...(options.footer ?? [])];
    if (stale) footer.unshift(stale);
    const frame = renderPhaseList(latest, {
      tick: latest.outcome ? undefined : tick++,
      color,
      columns: out.columns ?? 100,
      footer,
    });
    // Back over the previous frame and clear below: no full-screen takeover, scrollback kept.
    out.write(`${drawnRows > 0 ? `\x1b[${drawnRows}F\x1b[0J` : ''}${frame}\n`);
    drawnRows = frame.split('\n').length;
  };

  const onStatus = (status: DeploymentStatus) => {
    show(status);
    // After the status is shown: what the caller prints in answer comes after it.
    options.onStatus?.(status);
  };
  const show = (status: DeploymentStatus) => {
    latest = status;
    stale = undefined;
    if (tty) return; // the frame timer draws it
    const key = changeKey(status);
    if (key === lastKey) return;
    lastKey = key;
    if (options.json) {
      out.write(`${JSON.stringify(status)}\n`);
      return;
    }
    for (const line of renderLogLines(previous, status)) out.write(`${line}\n`);
    previous = status;
  };

  const onQueryError = (_err: unknown, sinceMs: number) => {
    if (sinceMs < STALE_AFTER_MS) return;
    const queue = options.taskQueue ? ` on task queue "${options.taskQueue}"` : '';
    stale = `No answer from a worker for ${Math.round(sinceMs / 1000)}s: is one running${queue}? The deployment waits for it.`;
    if (!tty) process.stderr.write(`bluegreen: ${stale}\n`);
  };

  let interrupt!: (err: ExitError) => void;
  const stopped = new Promise<never>((_, reject) => (interrupt = reject));
  stopped.catch(() => undefined);
  const onSigint = () => {
    if (tty) out.write('\n'); // past the terminal's "^C"
    interrupt(
      new ExitError(
        `stopped watching; the deployment goes on. Follow it again with \`${bluegreenCommand('status', service, '--watch')}\``,
        EXIT_INTERRUPTED,
      ),
    );
  };
  process.once('SIGINT', onSigint);
  const timer = tty ? setInterval(draw, FRAME_MS) : undefined;
  if (tty) out.write('\x1b[?25l'); // hide the cursor while the spinner turns
  try {
    const final = await followDeployment(handle, onStatus, { intervalMs: tty ? 400 : 500, stopped, onQueryError });
    if (tty) draw();
    return final;
  } finally {
    if (timer) clearInterval(timer);
    if (tty) out.write('\x1b[?25h');
    process.removeListener('SIGINT', onSigint);
  }
}
