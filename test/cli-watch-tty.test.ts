// `bluegreen status --watch` in a real pseudo-terminal (tmux, 120×40): the phase list is
// redrawn in place — spinner on the running phase, ✓ and durations on finished ones, the
// GitHub run link while a run is in progress, who may approve and the exact commands at the
// gate — and the outcome decides the exit code. Skipped when tmux is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect } from 'vitest';
import * as messages from '../contract/messages.js';
import { BLUEGREEN, ROOT } from './support/cli-runner.js';
import { it } from './support/fixture.js';
import { temporalAddress, waitForStatus, waitingForApproval } from './support/harness.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A private tmux server: the test never touches a developer's sessions.
const SOCKET = `bluegreen-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

async function screenUntil(
  predicate: (screen: string) => boolean,
  what: string,
  timeoutMs = 30_000,
  session = 'watch',
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (predicate(screen)) return screen;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the terminal never showed ${what}; it shows:\n${screen}`);
}

describe.skipIf(!hasTmux)('status --watch on a terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('redraws the phase list in place: run link, approval gate, outcome and exit code', async ({ lab, deploy }) => {
    // A slow deploy run, so the terminal shows it in progress with its link.
    lab.github.setWorkflowBehavior('deploy-green.yml', { queuedMs: 30, inProgressMs: 5000 });
    const { handle } = await deploy('tty-watch', { monitor: { duration: '1s', interval: '100ms', failureThreshold: 3 } });

    const env = [`TEMPORAL_ADDRESS=${temporalAddress()}`, 'TERM=xterm-256color', 'NO_COLOR=1'].join(' ');
    // The shell prints the exit code after the watch ends, then waits to be captured.
    const command = `cd ${ROOT} && env ${env} ${process.execPath} ${BLUEGREEN} status tty-watch --watch; echo "EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', 'watch', '-x', '120', '-y', '40', command);

    const running = await screenUntil((s) => /actions\/runs\/\d+/.test(s) && SPINNER.test(s), 'the deploy run in progress');
    const lines = running.split('\n');
    expect(lines[0]).toMatch(/^tty-watch: blue → green @ [0-9a-f]{7} {2}\(tty-watch-\d{8}-\d{6}-[0-9a-f]{4}, by test\)$/);
    expect(running).toMatch(/^ {2}✓ plan +\d+(ms|s) +blue → green @ [0-9a-f]{7} \(green\)$/m);
    expect(running).toMatch(new RegExp(`^  ${SPINNER.source} deploy +\\d+s +deploy-green\\.yml run \\d+ in progress$`, 'm'));
    expect(running).toMatch(/^ {6}http:\/\/127\.0\.0\.1:\d+\/datatruck\/backend\/actions\/runs\/\d+$/m);
    expect(running).toMatch(/^ {2}· verify$/m);
    expect(running).toMatch(/^ {2}· approval$/m);
    expect(running).toContain('No action needed. To stop before traffic moves: bluegreen abort tty-watch');

    const gate = await screenUntil((s) => s.includes('Waiting for QA approval'), 'the approval gate');
    expect(gate).toMatch(/^ {2}✓ deploy +\d+s +deploy-green\.yml run success$/m);
    expect(gate).toMatch(/^ {2}✓ verify +\d+(ms|s) +\d+ probes, 2 in a row healthy$/m);
    expect(gate).toMatch(new RegExp(`^  ${SPINNER.source} approval +\\d+(ms|s) +waiting up to 1h for alice or bob$`, 'm'));
    expect(gate).toContain('  Waiting for QA approval: alice or bob may approve.');
    expect(gate).toContain('    approve:  bluegreen approve tty-watch --by <name> --comment "…"');
    expect(gate).toContain('    reject:   bluegreen reject tty-watch --by <name> --reason "…"');
    expect(gate).toMatch(/^ {2}Web UI: http:\/\/.+\/namespaces\/default\/workflows\/bluegreen-tty-watch$/m);
    // Redrawn in place: one headline, no run link once the run is over.
    expect(gate.match(/^tty-watch: /gm)).toHaveLength(1);
    expect(gate).not.toContain('/actions/runs/');

    // Ctrl-C stops watching, not the deployment: a second watcher, interrupted at the gate.
    tmux('new-session', '-d', '-s', 'second', '-x', '120', '-y', '40', command);
    await screenUntil((s) => s.includes('Waiting for QA approval'), 'the gate in the second watcher', 30_000, 'second');
    tmux('send-keys', '-t', 'second', 'C-c');
    const stopped = await screenUntil((s) => s.includes('EXIT='), 'the second watcher stopping', 10_000, 'second');
    expect(stopped).toContain('bluegreen: stopped watching; the deployment goes on.');
    expect(stopped).toMatch(/^EXIT=130$/m);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await waitForStatus(handle, waitingForApproval);
    await handle.executeUpdate(messages.approveUpdate, { args: [{ by: 'alice', comment: 'QA passed' }] });

    const done = await screenUntil((s) => s.includes('EXIT='), 'the end of the watch');
    expect(done).toMatch(/^ {2}✓ approval +\d+(ms|s) +approved by alice \(self-declared\): QA passed$/m);
    expect(done).toMatch(/^ {2}✓ switch +\d+(ms|s) +public endpoint answers green$/m);
    expect(done).toMatch(/^ {2}✓ monitor +\d+(ms|s) +healthy for 1s$/m);
    expect(done).toMatch(/^ {4}✓ alice \(self-declared\) approved at \d\d:\d\d:\d\d "QA passed"$/m);
    expect(done).toMatch(/^ {2}✓ SUCCEEDED in \S+: traffic is on green$/m);
    expect(done).not.toMatch(SPINNER);
    expect(done.match(/^tty-watch: /gm)).toHaveLength(1);
    expect(done).toMatch(/^EXIT=0$/m);
  }, 90_000);
});
