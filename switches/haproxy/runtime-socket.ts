// One command to HAProxy's Runtime API over its unix socket (`stats socket <path> level admin`):
// in the socket's default non-interactive mode HAProxy answers one line of commands and closes the
// connection, so the answer is everything read until the close. Bounded by a timeout.
import { createConnection } from 'node:net';

/** The Runtime API separates commands with ';' and lines with newlines: a command holds neither. */
const ONE_COMMAND = /^[^;\n\r]+$/;

export interface RuntimeSocketOptions {
  /** @default 5000 */
  timeoutMs?: number;
}

/** Sends `command` to the socket at `socketPath`; resolves with HAProxy's whole answer (trimmed). */
export function runtimeCommand(socketPath: string, command: string, options: RuntimeSocketOptions = {}): Promise<string> {
  if (!ONE_COMMAND.test(command)) throw new Error(`not a single HAProxy Runtime API command: ${JSON.stringify(command)}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`HAProxy's Runtime API at ${socketPath} did not answer "${command}" within ${timeoutMs}ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`HAProxy's Runtime API at ${socketPath}: ${err.message}`));
    });
    socket.once('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8').trim());
    });
    socket.once('connect', () => socket.end(`${command}\n`));
  });
}
