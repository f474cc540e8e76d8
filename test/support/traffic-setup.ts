// Makes sure the traffic providers' real components are there for the tests that drive them:
// moto in server mode (installed into .tools/moto from PyPI) and Debian's HAProxy, each installed
// when missing and when we may, once per run, before any test file starts (as scripts/install-tools.sh
// does). Where one cannot be installed its tests skip and say why.
import type { TestProject } from 'vitest/node';
import { ensureHaproxy } from '../../lab/haproxy.js';
import { ensureMoto } from '../../lab/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the moto (alb, route53) tests cannot run here, or '' when moto_server is installed. */
    motoMissing: string;
    /** Why the HAProxy tests cannot run here, or '' when haproxy is installed. */
    haproxyMissing: string;
  }
}

export default async function setup(project: TestProject) {
  const [moto, haproxy] = await Promise.all([ensureMoto(), ensureHaproxy()]);
  project.provide('motoMissing', 'missing' in moto ? moto.missing : '');
  project.provide('haproxyMissing', 'missing' in haproxy ? haproxy.missing : '');
}
