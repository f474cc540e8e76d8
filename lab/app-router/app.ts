// The single app process of the app-based blue/green (seeds/000): both color apps live in it,
// next to a router app that decides which one answers the public paths. One database, one
// schema at a time (schema.ts).
//
//   GET  /health, /deployment/color/, /books/   the color the router serves
//   GET  /<color>/health, /<color>/deployment/color/, /<color>/books/   one color directly
//        (the environment URLs the orchestrator verifies, like django-hosts' per-app hosts)
//   GET  /deployment/schema/   the database and the apps: columns, migrations, what can serve
//   POST /deployment/router/   {"color":"blue"} with `Authorization: Bearer <token>`:
//        401 bad token, 409 when that color cannot run on the schema, 200 otherwise
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyParseError, isRecord, listen, readJson, sendJson, sendText, type ListeningServer } from '../http.js';
import type { Color } from '../types.js';
import { columnsOf, Database, INITIAL_MIGRATION, migrationFor, type AppCode, type Migration } from './schema.js';

const COLORS: readonly Color[] = ['blue', 'green'];
const other = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');

export interface AppRouterEvent {
  at: string;
  /** What happened, in the seed's words, e.g. "migrate blue --fake". */
  what: string;
}

export interface AppRouterSwitch {
  at: string;
  from: Color | null;
  color: Color;
  changed: boolean;
  source: string;
}

export interface AppRouterAppOptions {
  /** Bearer token of POST /deployment/router/. */
  token: string;
  /** The color installed and served at start (seed steps 1–2). */
  initialColor: Color;
  initialVersion: string;
  /** Whether two commits have the same content (a merge commit and the head it merged). */
  sameContent: (a: string, b: string) => boolean;
}

/** What GET /deployment/schema/ answers. */
export interface AppRouterSnapshot {
  serving: Color | null;
  selected: Color;
  columns: string[];
  migrations: Record<Color, string[]>;
  apps: Partial<Record<Color, { version: string; migrations: string[]; pending: string[]; canServe: boolean; healthy: boolean }>>;
}

export class AppRouterApp {
  readonly db = new Database();
  private readonly apps: Partial<Record<Color, AppCode>> = {};
  private readonly healthy: Record<Color, boolean> = { blue: true, green: true };
  private selected: Color;
  private readonly eventLog: AppRouterEvent[] = [];
  private readonly switchLog: AppRouterSwitch[] = [];
  private listening!: ListeningServer;

  constructor(private readonly options: AppRouterAppOptions) {
    const color = options.initialColor;
    this.apps[color] = { color, version: options.initialVersion, migrations: [INITIAL_MIGRATION] };
    this.db.migrate(this.apps[color]);
    this.selected = color;
    this.log(`${color} app installed and migrated; router serves ${color}`);
  }

  get url(): string {
    return this.listening.url;
  }

  async start(port = 0): Promise<void> {
    this.listening = await listen((req, res) => void this.handle(req, res), port);
  }

  close(): Promise<void> {
    return this.listening.close();
  }

  // ── the state the router reads ──────────────────────────────────────────────

  installed(color: Color): boolean {
    return this.apps[color] !== undefined;
  }

  code(color: Color): Readonly<AppCode> | undefined {
    const code = this.apps[color];
    return code && { ...code, migrations: [...code.migrations] };
  }

  /** Why `color` cannot take traffic on the current schema, or undefined when it can. */
  whyNot(color: Color): string | undefined {
    const code = this.apps[color];
    if (!code) return `the ${color} app is not installed`;
    const pending = this.db.pending(code);
    if (pending.length > 0)
      return `${color} has unapplied migrations (${pending.map((m) => m.name).join(', ')}): run the migrate hook first`;
    const missing = this.db.missingColumns(code);
    if (missing.length > 0) return `${color} reads columns the schema does not have: ${missing.join(', ')}`;
    return undefined;
  }

  /**
   * The color the router serves: the selected one while it can run on the schema; otherwise
   * it follows the schema to the color that can (after `migrate <old> zero --fake`).
   */
  get serving(): Color | null {
    if (this.whyNot(this.selected) === undefined) return this.selected;
    const fallback = other(this.selected);
    return this.whyNot(fallback) === undefined ? fallback : null;
  }

  get events(): readonly AppRouterEvent[] {
    return this.eventLog;
  }

  get switches(): readonly AppRouterSwitch[] {
    return this.switchLog;
  }

  snapshot(): AppRouterSnapshot {
    const apps: AppRouterSnapshot['apps'] = {};
    for (const color of COLORS) {
      const code = this.apps[color];
      if (!code) continue;
      apps[color] = {
        version: code.version,
        migrations: code.migrations.map((m) => m.name),
        pending: this.db.pending(code).map((m) => m.name),
        canServe: this.whyNot(color) === undefined,
        healthy: this.healthy[color],
      };
    }
    return {
      serving: this.serving,
      selected: this.selected,
      columns: [...this.db.columns],
      migrations: { blue: [...this.db.applied.blue], green: [...this.db.applied.green] },
      apps,
    };
  }

  // ── what GitHub runs do to the app (effects of the lab's workflows) ─────────

  /**
   * A deploy run of `color` at `sha`. A color that is not installed arrives as a copy of the
   * other one, its migrations faked as applied (seed step 3: `migrate blue --fake`); a release
   * whose content differs brings one new migration, pending until the migrate hook runs (step 4).
   */
  deploy(color: Color, sha: string): void {
    const existing = this.apps[color];
    const twin = this.apps[other(color)];
    if (twin && this.options.sameContent(sha, twin.version)) {
      this.apps[color] = { color, version: sha, migrations: twin.migrations.map((m) => ({ ...m })) };
      this.db.fake(color, this.db.applied[twin.color]);
      this.log(`${color} app deployed as a copy of ${twin.color}; migrate ${color} --fake`);
      return;
    }
    if (existing && this.options.sameContent(sha, existing.version)) {
      existing.version = sha;
      this.log(`${color} app redeployed, no change`);
      return;
    }
    const base = existing ?? twin;
    if (!base) throw new Error(`cannot deploy ${color}: no app to copy`);
    const migrations: Migration[] = base.migrations.map((m) => ({ ...m }));
    if (!existing) {
      this.db.fake(color, this.db.applied[base.color]);
      this.log(`${color} app added as a copy of ${base.color}; migrate ${color} --fake`);
    }
    const added = migrationFor(sha, migrations);
    migrations.push(added);
    this.apps[color] = { color, version: sha, migrations };
    this.log(`${color} app changed: ${added.name} pending (adds books.${added.addsColumn})`);
  }

  /** `./manage.py migrate <color>` (the expand hook). */
  migrate(color: Color): void {
    const code = this.apps[color];
    if (!code) {
      this.log(`migrate ${color}: no installed app with label '${color}'`);
      return;
    }
    const applied = this.db.migrate(code);
    this.log(`migrate ${color}: ${applied.length > 0 ? applied.map((m) => m.name).join(', ') : 'no migrations to apply'}`);
  }

  /** `./manage.py migrate <color> zero --fake`, then the app is removed (seed step 5). */
  retire(color: Color): void {
    const before = this.serving;
    this.db.fakeZero(color);
    delete this.apps[color];
    this.log(`migrate ${color} zero --fake; ${color} app removed`);
    if (this.selected === color && this.installed(other(color))) {
      // The router follows the schema to the app that is left.
      this.record(before, other(color), `migrate ${color} zero --fake`);
      this.selected = other(color);
    }
  }

  /** The router's switch: refused when the color cannot run on the schema. */
  select(color: Color, source: string): { ok: true; previous: Color | null; changed: boolean } | { ok: false; reason: string } {
    const reason = this.whyNot(color);
    if (reason) {
      this.log(`router → ${color} refused (${source}): ${reason}`);
      return { ok: false, reason };
    }
    const previous = this.serving;
    this.record(previous, color, source);
    this.selected = color;
    return { ok: true, previous, changed: previous !== color };
  }

  setHealthy(color: Color, healthy: boolean): void {
    this.healthy[color] = healthy;
  }

  private record(from: Color | null, color: Color, source: string): void {
    this.switchLog.push({ at: new Date().toISOString(), from, color, changed: from !== color, source });
    this.log(`router → ${color} (${source})`);
  }

  private log(what: string): void {
    this.eventLog.push({ at: new Date().toISOString(), what });
    if (this.eventLog.length > 1000) this.eventLog.shift();
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://app').pathname.replace(/\/+$/, '') || '/';
    try {
      if (path === '/deployment/router') return await this.routerEndpoint(req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' });
      if (path === '/deployment/schema') return sendJson(res, 200, this.snapshot());
      const direct = /^\/(blue|green)(\/.*)?$/.exec(path);
      if (direct) return this.serveColor(direct[1] as Color, direct[2] ?? '/', res, false);
      const serving = this.serving;
      if (!serving) return sendJson(res, 503, { error: 'no app can run on the current schema', schema: this.snapshot() });
      return this.serveColor(serving, path, res, true);
    } catch (err) {
      if (err instanceof BodyParseError) return sendJson(res, 400, { error: err.message });
      if (!res.headersSent) sendJson(res, 500, { error: (err as Error).message });
    }
  }

  private serveColor(color: Color, path: string, res: ServerResponse, routed: boolean): void {
    const code = this.apps[color];
    if (!code) return sendJson(res, 503, { status: 'not installed', color });
    const headers: Record<string, string> = routed ? { 'x-lab-upstream': color } : {};
    if (path === '/health') {
      const healthy = this.healthy[color];
      const pending = this.db.pending(code).map((m) => m.name);
      return sendJson(
        res,
        healthy ? 200 : 503,
        { status: healthy ? 'ok' : 'unhealthy', color, version: code.version, pendingMigrations: pending },
        headers,
      );
    }
    if (path === '/deployment/color') return sendJson(res, 200, { color }, headers);
    if (path === '/books') {
      // The app's models read every column they know: missing ones fail like a real ORM would.
      const missing = this.db.missingColumns(code);
      if (missing.length > 0) return sendJson(res, 500, { error: `column books.${missing[0]} does not exist`, color }, headers);
      const columns = columnsOf(code);
      const books = [
        { id: 1, title: 'Continuous Delivery', author: 'Humble, Farley' },
        { id: 2, title: 'Refactoring Databases', author: 'Ambler, Sadalage' },
      ].map((book) => Object.fromEntries(columns.map((c) => [c, (book as Record<string, unknown>)[c] ?? null])));
      return sendJson(res, 200, { color, books }, headers);
    }
    if (path === '/') return sendText(res, 200, `bluegreen books: ${color} app ${code.version.slice(0, 7)}\n`);
    sendJson(res, 404, { error: 'not found', path });
  }

  private async routerEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return sendJson(res, 200, { color: this.serving, selected: this.selected });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use GET, or POST {"color": …}' });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.options.token}`) {
      req.resume();
      return sendJson(res, 401, { error: auth ? 'bad token' : 'bearer token required' }, { 'www-authenticate': 'Bearer' });
    }
    const body = await readJson(req);
    const color = isRecord(body) ? body['color'] : undefined;
    if (color !== 'blue' && color !== 'green') return sendJson(res, 400, { error: 'expected {"color": "blue" | "green"}' });
    const result = this.select(color, 'POST /deployment/router/');
    if (!result.ok) return sendJson(res, 409, { error: result.reason, schema: this.snapshot() });
    sendJson(res, 200, { color, previous: result.previous, changed: result.changed });
  }
}
