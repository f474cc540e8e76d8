// The AWS API emulator for the lab: moto in server mode (PyPI `moto[server]`, installed by
// scripts/install-tools.sh into a virtualenv of its own, .tools/moto, launcher
// .tools/bin/moto_server), on a free loopback port, its log in a temporary directory. The alb
// and route53 switches talk to it with the real AWS SDK v3: `endpoint` is the server's URL,
// `credentials` and `region` are dummies moto accepts. Killed if the process exits without
// stopping it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, symlink, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DaemonProcess, findBinary, freeTcpPort, startedOrClosed } from './daemons.js';

const run = promisify(execFile);

/** The moto release scripts/install-tools.sh installs (MOTO_VERSION overrides it there and here). */
export const MOTO_VERSION = process.env['MOTO_VERSION'] ?? '5.2.5';

const toolsDir = fileURLToPath(new URL('../.tools', import.meta.url));

/** Path of the moto_server launcher, or undefined when moto is not installed. */
export const motoServerPath = (): string | undefined => {
  const own = join(toolsDir, 'bin', 'moto_server');
  return existsSync(own) ? own : findBinary('moto_server', []);
};

/** Why the moto tests skip here, or undefined when they can run. */
export function motoMissing(): string | undefined {
  return motoServerPath()
    ? undefined
    : 'moto is not installed (scripts/install-tools.sh installs moto[server] from PyPI into .tools/moto)';
}

/**
 * Installs moto[server] into .tools/moto when it is missing, as scripts/install-tools.sh does
 * (python3 -m venv, pip install). Returns the launcher's path or why there is none.
 */
export async function ensureMoto(timeoutMs = 600_000): Promise<{ motoServer: string } | { missing: string }> {
  const found = motoServerPath();
  if (found) return { motoServer: found };
  const python = findBinary('python3', []);
  if (!python) return { missing: 'moto is not installed and there is no python3 to install it with' };
  try {
    await mkdir(join(toolsDir, 'bin'), { recursive: true });
    // The venv's scripts name its python by absolute path: build it where .tools really is.
    const venv = join(await realpath(toolsDir), 'moto');
    await run(python, ['-m', 'venv', venv], { timeout: timeoutMs });
    await run(join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`], {
      timeout: timeoutMs,
    });
    await rm(join(toolsDir, 'bin', 'moto_server'), { force: true });
    await symlink('../moto/bin/moto_server', join(toolsDir, 'bin', 'moto_server'));
  } catch (err) {
    return { missing: `pip install moto[server]==${MOTO_VERSION} failed: ${(err as Error).message.split('\n')[0]}` };
  }
  const installed = motoServerPath();
  return installed ? { motoServer: installed } : { missing: 'pip install moto[server] left no moto_server' };
}

/** What an AWS SDK v3 client needs to talk to this server instead of AWS. */
export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export class MotoServer extends DaemonProcess {
  /** The URL of a moto started elsewhere (attach): never started or stopped here. */
  private external: string | undefined;

  private constructor(
    dir: string,
    readonly port: number,
  ) {
    super(dir, 'moto.log');
  }

  /** http://127.0.0.1:PORT, the endpoint of every AWS service moto emulates. */
  get url(): string {
    return this.external ?? `http://127.0.0.1:${this.port}`;
  }

  /** A moto server someone started by hand (e.g. `moto_server -p 5000`): its helpers, nothing to stop. */
  static attach(url: string): MotoServer {
    const server = new MotoServer('', Number(new URL(url).port));
    server.external = url.replace(/\/$/, '');
    return server;
  }

  override async close(): Promise<void> {
    if (this.external === undefined) await super.close();
  }

  /** Client settings for the AWS SDK v3: this endpoint, us-east-1, dummy credentials. */
  get clientConfig(): AwsClientConfig {
    return { endpoint: this.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  }

  static async create(port?: number): Promise<MotoServer> {
    const missing = motoMissing();
    if (missing) throw new Error(missing);
    const dir = await mkdtemp(join(tmpdir(), 'bg-moto-'));
    return new MotoServer(dir, port ?? (await freeTcpPort()));
  }

  /** Starts moto and waits until its API answers (bounded). */
  async start(timeoutMs = 30_000): Promise<void> {
    await this.launch({
      name: 'moto_server',
      binary: motoServerPath()!,
      args: ['-H', '127.0.0.1', '-p', String(this.port)],
      timeoutMs,
      ready: () =>
        fetch(`${this.url}/moto-api/`, { signal: AbortSignal.timeout(500) }).then(
          (res) => res.ok,
          () => false,
        ),
      notReady: 'moto_server did not answer',
    });
  }

  /**
   * One AWS Query API call (EC2, IAM, STS: form-encoded Action=…), answered as XML text. Signed
   * with a placeholder: moto routes a request by the service in its Authorization header's scope
   * and checks no signature until `requireAuth` (so call this before it).
   */
  async query(service: string, params: Record<string, string>, region = 'us-east-1'): Promise<string> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams(params).toString(),
      // moto loads a service's emulation on its first request: seconds on a busy machine.
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`moto ${service} ${params['Action']} answered ${res.status}: ${text.slice(0, 200)}`);
    return text;
  }

  /** The default VPC's subnets moto creates per region, which CreateLoadBalancer needs (EC2 DescribeSubnets). */
  async defaultSubnetIds(region = 'us-east-1'): Promise<string[]> {
    const text = await this.query(
      'ec2',
      { Action: 'DescribeSubnets', Version: '2016-11-15', 'Filter.1.Name': 'default-for-az', 'Filter.1.Value.1': 'true' },
      region,
    );
    return [...text.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!);
  }

  /**
   * An IAM user with an inline policy and an access key, for tests of who may do what once
   * `requireAuth` is on. Returns its ARN and credentials.
   */
  async iamUser(
    name: string,
    policy: object,
  ): Promise<{ arn: string; credentials: { accessKeyId: string; secretAccessKey: string } }> {
    const iam = (params: Record<string, string>) => this.query('iam', { Version: '2010-05-08', ...params });
    const user = await iam({ Action: 'CreateUser', UserName: name });
    await iam({ Action: 'PutUserPolicy', UserName: name, PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policy) });
    const key = await iam({ Action: 'CreateAccessKey', UserName: name });
    const field = (text: string, tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(text)?.[1] ?? '';
    return {
      arn: field(user, 'Arn'),
      credentials: { accessKeyId: field(key, 'AccessKeyId'), secretAccessKey: field(key, 'SecretAccessKey') },
    };
  }

  /** An IAM role with a trust policy and an inline permission policy; returns its ARN. */
  async iamRole(name: string, trust: object, policy: object): Promise<string> {
    const iam = (params: Record<string, string>) => this.query('iam', { Version: '2010-05-08', ...params });
    const role = await iam({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
    await iam({ Action: 'PutRolePolicy', RoleName: name, PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policy) });
    return /<Arn>([^<]+)<\/Arn>/.exec(role)?.[1] ?? '';
  }

  /**
   * From now on moto checks every request as AWS would: a known access key, a valid signature,
   * and an IAM policy of the caller allowing the action (moto 5 matches actions; resources only
   * as "*", and a trust policy's sts:ExternalId only when one is sent).
   */
  async requireAuth(): Promise<void> {
    const res = await fetch(`${this.url}/moto-api/reset-auth`, {
      method: 'POST',
      body: '0',
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`moto reset-auth answered ${res.status}`);
  }

  /** Forgets every resource of every emulated service (moto's own reset endpoint). */
  async reset(): Promise<void> {
    const res = await fetch(`${this.url}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
  }
}

/** Creates and starts a moto server on a free loopback port. */
export async function startMoto(port?: number): Promise<MotoServer> {
  const server = await MotoServer.create(port);
  return startedOrClosed(server, () => server.start());
}
