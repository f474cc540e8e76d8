// The repository as far as the orchestrator can see it: commits, branches, ancestry.
// A commit's `tree` stands for its content, so a merge commit can carry the head's content
// under a new SHA, as a real merge does.
import { randomBytes } from 'node:crypto';

export interface Commit {
  sha: string;
  tree: string;
  message: string;
  parents: string[];
  at: string;
}

export const newSha = (): string => randomBytes(20).toString('hex');

/** GitHub timestamps have whole seconds. */
export const isoSeconds = (ms: number = Date.now()): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class RepoModel {
  readonly commits = new Map<string, Commit>();
  readonly branches = new Map<string, string>();
  readonly id = 100_000 + Math.floor(Math.random() * 800_000);
  readonly createdAt = isoSeconds(Date.now() - 86_400_000 * 400);

  constructor(
    readonly owner: string,
    readonly name: string,
    readonly defaultBranch: string,
  ) {}

  /** True when this owner/repo pair names this repository (GitHub compares case-insensitively). */
  is(owner: string, repo: string): boolean {
    return owner.toLowerCase() === this.owner.toLowerCase() && repo.toLowerCase() === this.name.toLowerCase();
  }

  addCommit(parents: string[], message: string, tree: string = newSha()): Commit {
    const commit: Commit = { sha: newSha(), tree, message, parents, at: isoSeconds() };
    this.commits.set(commit.sha, commit);
    return commit;
  }

  head(branch: string): string | undefined {
    return this.branches.get(branch);
  }

  setBranch(branch: string, sha: string): void {
    if (!this.commits.has(sha)) throw new Error(`unknown commit ${sha}`);
    this.branches.set(branch, sha);
  }

  /** Branch name (optionally `refs/heads/` or `heads/`), or a full or ≥7-char abbreviated SHA. */
  resolve(ref: string): string | undefined {
    const branch = ref.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
    const head = this.branches.get(branch);
    if (head) return head;
    if (/^[0-9a-f]{7,40}$/i.test(ref)) {
      const matches = [...this.commits.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /** Branch names only (workflow_dispatch refuses SHAs). */
  resolveBranch(ref: string): string | undefined {
    const branch = ref.replace(/^refs\/heads\//, '');
    return this.branches.has(branch) ? branch : undefined;
  }

  /** Whether `ancestor` is reachable from `descendant` (a commit contains itself). */
  contains(descendant: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  push(branch: string, message: string): Commit {
    const parent = this.branches.get(branch);
    if (!parent) throw new Error(`unknown branch ${branch}`);
    const commit = this.addCommit([parent], message);
    this.branches.set(branch, commit.sha);
    return commit;
  }

  /** A merge commit on `base` whose content is the head's. */
  merge(base: string, headSha: string, message: string): Commit {
    const baseSha = this.branches.get(base)!;
    const commit = this.addCommit([baseSha, headSha], message, this.commits.get(headSha)!.tree);
    this.branches.set(base, commit.sha);
    return commit;
  }
}
