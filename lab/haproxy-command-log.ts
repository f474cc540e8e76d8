// What HAProxy's Runtime API was asked, and when: a unix socket in front of the admin socket that
// passes every connection through and keeps each command line it carried. Tests point the haproxy
// switch (and the worker's policy) at it and read the weight writes (`set server … weight N`) in
// order: a repeated or skipped step shows there even when the weight it set did not change.
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export interface HaproxyCommand {
  /** Date.now() when the command's connection closed (HAProxy had answered). */
  at: number;
  command: string;
}

export interface HaproxyCommandLog {
  /** The socket to name instead of HAProxy's own. */
  socket: string;
  commands: HaproxyCommand[];
  /** The weights written to `backend/server`, in order (`set server` and `set weight` alike). */
  weightWrites(backend: string, server: string): number[];
  close(): Promise<void>;
}

/** Starts the log in `dir` (short: a socket path fits in 108 bytes) in front of `upstream`. */
export async function startHaproxyCommandLog(upstream: string, dir: string): Promise<HaproxyCommandLog> {
  const commands: HaproxyCommand[] = [];
  const socket = join(dir, 'logged.sock');
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const chunks: Buffer[] = [];
    const haproxy = createConnection({ path: upstream, allowHalfOpen: true });
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.pipe(haproxy);
    haproxy.pipe(client);
    const fail = () => {
      client.destroy();
      haproxy.destroy();
    };
    client.on('error', fail);
    haproxy.on('error', fail);
    client.on('close', () => {
      for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
        if (line.trim()) commands.push({ at: Date.now(), command: line.trim() });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });
  return {
    socket,
    commands,
    weightWrites: (backend, name) => {
      const ref = `${backend}/${name}`;
      const writes: number[] = [];
      for (const { command } of commands) {
        const m = /^set (?:server (\S+) weight|weight (\S+)) (\d+)%?$/.exec(command);
        if (m && (m[1] ?? m[2]) === ref) writes.push(Number(m[3]));
      }
      return writes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
