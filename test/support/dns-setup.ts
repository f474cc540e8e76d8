// Makes sure Knot DNS is there for the DNS tests (test/dns*.test.ts): installs Debian's `knot`
// when it is missing and we may (root with apt-get, as scripts/install-tools.sh does), once
// per run, before any test file starts. Where it cannot be installed the DNS tests skip and say why.
import type { TestProject } from 'vitest/node';
import { ensureKnot } from '../../lab/knot.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the DNS tests cannot run here, or '' when knotd is installed. */
    knotMissing: string;
  }
}

export default async function setup(project: TestProject) {
  const knot = await ensureKnot();
  project.provide('knotMissing', 'missing' in knot ? knot.missing : '');
}
