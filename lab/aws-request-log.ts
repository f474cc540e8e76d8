// What an AWS emulator was asked, and when: a loopback HTTP proxy in front of moto that keeps
// every request (method, path, body) with the time its answer went back and the answer's status
// and body. Tests and benches point the worker's AWS endpoint at it and read the writes the
// switches made (ModifyRule, ChangeResourceRecordSets) and when a change was INSYNC, in order.
// moto's own recorder keeps requests without times or answers, which the TTL rule needs.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsRequest {
  /** Date.now() when the emulator's answer was passed back. */
  at: number;
  method: string;
  path: string;
  body: string;
  status: number;
  answer: string;
}

export interface AwsRequestLog {
  /** http://127.0.0.1:PORT: the endpoint to give the AWS SDK instead of the emulator's. */
  url: string;
  requests: AwsRequest[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Hop-by-hop headers and the ones fetch sets itself. */
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/** Starts the proxy in front of `upstream` (moto's URL). */
export async function startAwsRequestLog(upstream: string): Promise<AwsRequestLog> {
  const requests: AwsRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (!DROPPED.has(name) && typeof value === 'string') headers[name] = value;
        }
        // The SDK signs the Host header: moto checks no signature unless told to.
        const answer = await fetch(new URL(req.url ?? '/', upstream), {
          method: req.method ?? 'GET',
          headers,
          ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
          redirect: 'manual',
        });
        const text = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!DROPPED.has(name) && name !== 'content-encoding') out[name] = value;
        });
        res.writeHead(answer.status, out);
        res.end(text);
        requests.push({
          at: Date.now(),
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          body: body.toString('utf8'),
          status: answer.status,
          answer: text.toString('utf8'),
        });
      } catch (err) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`request log: ${(err as Error).message}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One weight write the switches made, as the emulator received it. */
export interface WeightWrite {
  at: number;
  /** Percent per color, as written (the switches write percentages). */
  weights: { blue: number; green: number };
  /** Route 53: when GetChange first answered INSYNC for this change. */
  insyncAt?: number;
}

/**
 * The ModifyRule calls on `ruleArn` that succeeded, in order, with the blue and green target
 * groups' weights they wrote (ELBv2's query protocol: form-encoded
 * `Actions.member.1.ForwardConfig.TargetGroups.member.N.{TargetGroupArn,Weight}`).
 */
export function albRuleWrites(
  requests: readonly AwsRequest[],
  ruleArn: string,
  targetGroups: { blue: string; green: string },
): WeightWrite[] {
  const writes: WeightWrite[] = [];
  for (const request of requests) {
    const form = new URLSearchParams(request.body);
    if (form.get('Action') !== 'ModifyRule' || form.get('RuleArn') !== ruleArn || request.status !== 200) continue;
    const weights = { blue: -1, green: -1 };
    for (const [key, value] of form) {
      const m = /^(Actions\.member\.\d+\.ForwardConfig\.TargetGroups\.member\.\d+)\.TargetGroupArn$/.exec(key);
      if (!m) continue;
      const weight = Number(form.get(`${m[1]}.Weight`) ?? '1');
      if (value === targetGroups.blue) weights.blue = weight;
      if (value === targetGroups.green) weights.green = weight;
    }
    writes.push({ at: request.at, weights });
  }
  return writes;
}

/**
 * The ChangeResourceRecordSets batches on `hostedZoneId` that succeeded, in order, with the
 * weights they set per SetIdentifier (`blue`, `green`); a color the batch left alone keeps the
 * weight of the batch before (Route 53 batches carry only what changes). `initial` is the split
 * before the first batch.
 */
export function route53Writes(
  requests: readonly AwsRequest[],
  hostedZoneId: string,
  initial: { blue: number; green: number },
): Array<WeightWrite & { changeId: string }> {
  const writes: Array<WeightWrite & { changeId: string }> = [];
  let current = { ...initial };
  for (const request of requests) {
    if (request.method !== 'POST' || !request.path.endsWith(`/hostedzone/${hostedZoneId}/rrset`) || request.status !== 200)
      continue;
    if (!request.body.includes('<Action>UPSERT</Action>')) continue;
    const next = { ...current };
    for (const set of request.body.split('<ResourceRecordSet>').slice(1)) {
      const id = /<SetIdentifier>([^<]+)<\/SetIdentifier>/.exec(set)?.[1];
      const weight = /<Weight>(\d+)<\/Weight>/.exec(set)?.[1];
      if ((id === 'blue' || id === 'green') && weight !== undefined) next[id] = Number(weight);
    }
    current = next;
    const changeId = (/<Id>([^<]+)<\/Id>/.exec(request.answer)?.[1] ?? '').replace(/^\/change\//, '');
    const insync = requests.find(
      (r) => r.method === 'GET' && r.path.endsWith(`/change/${changeId}`) && r.answer.includes('<Status>INSYNC</Status>'),
    );
    writes.push({ at: request.at, weights: next, changeId, ...(insync ? { insyncAt: insync.at } : {}) });
  }
  return writes;
}
