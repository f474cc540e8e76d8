// Small pure text helpers shared by the workflow and the CLI.

/** 90_000 → "1m30s", 500 → "500ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

export const shortSha = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : '?');

/** "alice", "alice or bob", "alice, bob or carol". */
export const orList = (names: readonly string[]): string => wordList(names, 'or');

/** "alice", "alice and bob", "alice, bob and carol". */
export const andList = (names: readonly string[]): string => wordList(names, 'and');

function wordList(names: readonly string[], last: 'or' | 'and'): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${last} ${names[names.length - 1]}`;
}
