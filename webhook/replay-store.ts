// The receiver's memory of deliveries it handled, kept in a file so a restart does not open a
// replay window: one key per line, "-key" when a key is forgotten again (a failed signal, so
// GitHub's "Redeliver" works). Loaded at start; rewritten whole when it grows past twice its
// capacity. Keys are checked to be one safe token, so nothing can write a line of its own.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { RecentKeys } from './verify.js';

const KEY = /^[\w:.-]{1,128}$/;

export interface KeyMemory {
  has(key: string): boolean;
  add(key: string): void;
  delete(key: string): void;
}

export class FileBackedKeys implements KeyMemory {
  private readonly memory: RecentKeys;
  private lines = 0;

  constructor(
    private readonly file: string,
    private readonly capacity = 10_000,
  ) {
    this.memory = new RecentKeys(capacity);
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('-') && KEY.test(line.slice(1))) this.memory.delete(line.slice(1));
      else if (KEY.test(line)) this.memory.add(line);
      if (line) this.lines++;
    }
  }

  /** Whether a key is of the shape this store keeps (a delivery id, run:attempt). */
  static accepts(key: string): boolean {
    return KEY.test(key);
  }

  has(key: string): boolean {
    return this.memory.has(key);
  }

  add(key: string): void {
    if (!KEY.test(key)) return;
    this.memory.add(key);
    this.write(key);
  }

  delete(key: string): void {
    if (!KEY.test(key)) return;
    this.memory.delete(key);
    this.write(`-${key}`);
  }

  private write(line: string): void {
    appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
    if (++this.lines > this.capacity * 2) {
      const tmp = `${this.file}.tmp`;
      const keys = this.memory.keys();
      writeFileSync(tmp, keys.length ? `${keys.join('\n')}\n` : '', { mode: 0o600 });
      renameSync(tmp, this.file);
      this.lines = keys.length;
    }
  }
}
