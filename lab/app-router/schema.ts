// The one database of the app-based blue/green (seeds/000): a `books` table and Django's
// `django_migrations` records per app label. Both color apps talk to it; it has one schema at
// a time. Migrations here only ever add columns (expand); the contract step only forgets
// records (`migrate <app> zero --fake`), so until then both colors can use the schema.
import type { Color } from '../types.js';

export interface Migration {
  /** Django-style name, e.g. `0001_initial`, `0002_ab12cd3`. */
  name: string;
  /** The nullable column this migration adds to `books` (an expand step). */
  addsColumn?: string;
}

/** The code of one color app as deployed: its version and the migration files it ships. */
export interface AppCode {
  color: Color;
  /** Commit SHA the app was deployed from. */
  version: string;
  migrations: Migration[];
}

export const INITIAL_COLUMNS: readonly string[] = ['id', 'title', 'author'];
export const INITIAL_MIGRATION: Migration = { name: '0001_initial' };

export class Database {
  readonly columns: string[] = [...INITIAL_COLUMNS];
  /** django_migrations: applied migration names per app label. */
  readonly applied: Record<Color, string[]> = { blue: [], green: [] };

  /** Migrations of `code` that are not recorded as applied. */
  pending(code: AppCode): Migration[] {
    const done = new Set(this.applied[code.color]);
    return code.migrations.filter((m) => !done.has(m.name));
  }

  /** Columns the code reads that the table does not have. */
  missingColumns(code: AppCode): string[] {
    return columnsOf(code).filter((c) => !this.columns.includes(c));
  }

  /** `./manage.py migrate <app>`: applies the pending migrations, adding their columns. */
  migrate(code: AppCode): Migration[] {
    const pending = this.pending(code);
    for (const migration of pending) {
      if (migration.addsColumn && !this.columns.includes(migration.addsColumn)) this.columns.push(migration.addsColumn);
      this.applied[code.color].push(migration.name);
    }
    return pending;
  }

  /** `./manage.py migrate <app> --fake`: records migrations as applied without touching tables. */
  fake(color: Color, names: readonly string[]): void {
    this.applied[color] = [...names];
  }

  /** `./manage.py migrate <app> zero --fake`: forgets the app's records; tables stay. */
  fakeZero(color: Color): void {
    this.applied[color] = [];
  }
}

/** Columns of `books` the app's models read. */
export const columnsOf = (code: AppCode): string[] => [
  ...INITIAL_COLUMNS,
  ...code.migrations.flatMap((m) => (m.addsColumn ? [m.addsColumn] : [])),
];

/** The migration a changed release ships: one nullable column named after the commit. */
export function migrationFor(sha: string, after: readonly Migration[]): Migration {
  const short = sha.slice(0, 7);
  return { name: `${String(after.length + 1).padStart(4, '0')}_${short}`, addsColumn: `field_${short}` };
}
