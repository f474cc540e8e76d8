// A real Prometheus for the tests and the demo (Debian's `prometheus` package, as
// scripts/install-tools.sh installs it): on a free loopback port, scraping the lab's apps every
// 500 ms, with its config, TSDB and log in a temporary directory of its own. It can be stopped
// and started again on the same port with the same data ("Prometheus down" tests), and it is
// killed if the process exits without closing it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, ensureDebianBinary, findBinary, freeTcpPort, startedOrClosed } from './daemons.js';

export interface ScrapeTarget {
  /** Base URL of an app serving /metrics, e.g. http://127.0.0.1:40123 (loopback only). */
  url: string;
  /** Labels Prometheus adds to every series of this target, e.g. { service: 'datatruck-api' }. */
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Scrape (and rule evaluation) interval; short so tests see a change within a second. @default 500 */
  scrapeIntervalMs?: number;
  /** @default a free loopback port */
  port?: number;
}

/** Path of the prometheus binary, or undefined when it is not installed. */
export const prometheusPath = (): string | undefined =>
  findBinary('prometheus', [join(process.cwd(), '.tools/bin'), '/usr/bin', '/usr/local/bin']);

/** Why Prometheus tests skip here, or undefined when they can run. */
export function prometheusMissing(): string | undefined {
  return prometheusPath()
    ? undefined
    : 'Prometheus is not installed (scripts/install-tools.sh installs Debian\'s "prometheus" package as root with apt-get)';
}

/** Installs Debian's `prometheus` when it is missing and we may. Returns the binary's path or why there is none. */
export async function ensurePrometheus(): Promise<{ prometheus: string } | { missing: string }> {
  const found = await ensureDebianBinary({
    pkg: 'prometheus',
    title: 'Prometheus',
    binary: 'prometheus',
    find: prometheusPath,
    update: false,
    timeoutMs: 600_000,
  });
  return 'path' in found ? { prometheus: found.path } : found;
}

function hostPort(url: string): string {
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    throw new Error(`the lab's Prometheus scrapes loopback targets only, got ${url}`);
  }
  return parsed.host;
}

/** prometheus.yml for the targets (YAML written by hand: JSON is valid YAML). */
export function prometheusConfig(options: PrometheusOptions): string {
  const interval = `${options.scrapeIntervalMs ?? 500}ms`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'lab-apps',
        // The apps label their own series with color and version; keep those.
        honor_labels: true,
        static_configs: options.targets.map((t) => ({ targets: [hostPort(t.url)], labels: t.labels ?? {} })),
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export class PrometheusServer extends DaemonProcess {
  private constructor(
    readonly options: PrometheusOptions,
    dir: string,
    readonly port: number,
  ) {
    super(dir, 'prometheus.log');
  }

  /** http://127.0.0.1:PORT: what bluegreen.yaml's `metrics.<name>.prometheus.url` takes. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(options: PrometheusOptions): Promise<PrometheusServer> {
    if (!prometheusPath()) throw new Error(prometheusMissing());
    const dir = await mkdtemp(join(tmpdir(), 'bg-prom-'));
    const server = new PrometheusServer(options, dir, options.port ?? (await freeTcpPort()));
    await writeFile(join(dir, 'prometheus.yml'), prometheusConfig(options));
    return server;
  }

  /** Starts Prometheus and waits until it is ready (bounded). */
  async start(timeoutMs = 20_000): Promise<void> {
    await this.launch({
      name: 'prometheus',
      binary: prometheusPath()!,
      args: [
        `--config.file=${join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--storage.tsdb.retention.time=2h',
        '--log.level=warn',
      ],
      timeoutMs,
      ready: () =>
        fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(500) }).then(
          (res) => res.ok,
          () => false,
        ),
      notReady: 'prometheus was not ready',
    });
  }

  /** Waits until every target has been scraped successfully at least once (bounded). */
  async waitForTargets(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent('up')}`, {
          signal: AbortSignal.timeout(1000),
        });
        const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
        const up = body.data?.result ?? [];
        last = JSON.stringify(up.map((r) => r.value[1]));
        if (up.length >= this.options.targets.length && up.every((r) => r.value[1] === '1')) return;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Prometheus did not scrape all ${this.options.targets.length} targets within ${timeoutMs}ms (up: ${last})`);
  }
}

/** Creates and starts a Prometheus scraping `targets`, ready once each was scraped. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const server = await PrometheusServer.create(options);
  return startedOrClosed(server, async () => {
    await server.start();
    await server.waitForTargets();
  });
}

/** A Prometheus scraping both sample apps of a lab, labelled with `service`. */
export function startLabPrometheus(
  appUrls: Record<'blue' | 'green', string>,
  options: { service?: string; scrapeIntervalMs?: number } = {},
): Promise<PrometheusServer> {
  const labels = { service: options.service ?? 'datatruck-api' };
  return startPrometheus({
    targets: [
      { url: appUrls.blue, labels },
      { url: appUrls.green, labels },
    ],
    ...(options.scrapeIntervalMs !== undefined ? { scrapeIntervalMs: options.scrapeIntervalMs } : {}),
  });
}
