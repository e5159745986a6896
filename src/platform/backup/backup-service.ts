import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { sql } from "kysely";
import type { Db, DbOrTrx } from "../db/database.ts";
import { listMigrations } from "../db/migrate.ts";

const FORMAT = "steward-backup";
const BATCH = 1000;

export class BackupError extends Error {}

interface TableInfo {
  name: string;
  dependsOn: string[];
}

const columnCache = new Map<string, string[]>();

/** A table's columns that hold data (not generated from others), in table order. */
async function storedColumns(db: DbOrTrx, table: string): Promise<string[]> {
  const cached = columnCache.get(table);
  if (cached) return cached;
  const rows = await sql<{ name: string }>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
    ORDER BY attnum`.execute(db);
  const columns = rows.rows.map((r) => r.name);
  columnCache.set(table, columns);
  return columns;
}

/** Tables of the public schema, parents before children (by foreign keys). */
async function tablesInOrder(db: Db): Promise<string[]> {
  const rows = await sql<{ table: string; parent: string | null }>`
    SELECT c.relname AS table, p.relname AS parent
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
    LEFT JOIN pg_class p ON p.oid = k.confrelid
    WHERE c.relkind = 'r' AND c.relname <> 'schema_migrations'`.execute(db);
  const tables = new Map<string, TableInfo>();
  for (const r of rows.rows) {
    const t = tables.get(r.table) ?? { name: r.table, dependsOn: [] };
    if (r.parent && r.parent !== r.table) t.dependsOn.push(r.parent);
    tables.set(r.table, t);
  }
  const ordered: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name) || path.has(name)) return;
    path.add(name);
    for (const dep of tables.get(name)?.dependsOn ?? []) visit(dep, path);
    ordered.push(name);
  };
  for (const name of [...tables.keys()].sort()) visit(name, new Set());
  return ordered;
}

/**
 * A consistent logical copy of the whole database: one REPEATABLE READ snapshot, written as
 * gzipped JSON lines (a header, then each table's rows). Works the same on PGlite and PostgreSQL.
 */
export async function backupDatabase(
  db: Db,
  file: string,
  onProgress?: (table: string, rows: number) => void,
): Promise<{ tables: number; rows: number }> {
  let totalRows = 0;
  let tableCount = 0;
  await db.connection().execute(async (conn) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(conn);
    try {
      const tables = await tablesInOrder(conn);
      const applied = await sql<{
        name: string;
      }>`SELECT name FROM schema_migrations ORDER BY name`.execute(conn);
      async function* lines() {
        yield `${JSON.stringify({ format: FORMAT, version: 1, createdAt: new Date().toISOString(), migrations: applied.rows.map((r) => r.name), tables })}\n`;
        for (const table of tables) {
          tableCount++;
          yield `${JSON.stringify({ table })}\n`;
          await sql`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t) AS r FROM ${sql.table(table)} t`.execute(
            conn,
          );
          let count = 0;
          for (;;) {
            const batch = await sql<{
              r: unknown;
            }>`FETCH ${sql.raw(String(BATCH))} FROM backup_rows`.execute(conn);
            for (const row of batch.rows) yield `${JSON.stringify(row.r)}\n`;
            count += batch.rows.length;
            totalRows += batch.rows.length;
            onProgress?.(table, count);
            if (batch.rows.length < BATCH) break;
          }
          await sql`CLOSE backup_rows`.execute(conn);
        }
      }
      await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file));
    } finally {
      await sql`COMMIT`.execute(conn);
    }
  });
  return { tables: tableCount, rows: totalRows };
}

/** Loads a backup into an empty, migrated database in one transaction: all of it or nothing. */
export async function restoreDatabase(
  db: Db,
  file: string,
  onProgress?: (table: string, rows: number) => void,
): Promise<{ tables: number; rows: number }> {
  const input = createInterface({
    input: createReadStream(file)
      .on("error", () => {})
      .pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const iterator = input[Symbol.asyncIterator]();
  let first: IteratorResult<string>;
  try {
    first = await iterator.next();
  } catch {
    throw new BackupError(
      `${file} is not a Steward backup (it is not a gzip file, or cannot be read).`,
    );
  }
  let header: { format?: string; migrations?: string[] };
  try {
    header = JSON.parse(first.value ?? "");
  } catch {
    throw new BackupError(`${file} is not a Steward backup.`);
  }
  if (header.format !== FORMAT) throw new BackupError(`${file} is not a Steward backup.`);
  const known = new Set(listMigrations().map((m) => m.name));
  const unknown = (header.migrations ?? []).filter((m) => !known.has(m));
  if (unknown.length)
    throw new BackupError(
      `The backup comes from a newer Steward (migrations ${unknown.join(", ")}). Upgrade first.`,
    );

  let rows = 0;
  let tables = 0;
  await db.transaction().execute(async (trx) => {
    // "Empty" means no one has used it: no accounts and no audit trail. What migrations and start-up put
    // there (reference rows such as the retention rules for Steward's own records, the cookie secret) is
    // replaced by the backup's copy, children before parents.
    for (const table of ["users", "audit_events"]) {
      const n = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(
        trx,
      );
      if (Number(n.rows[0].n) > 0)
        throw new BackupError(
          `Restore needs an empty database, but table ${table} has rows. Point DATABASE_URL or STEWARD_DATA_DIR at a new one.`,
        );
    }
    for (const table of [...(await tablesInOrder(trx))].reverse()) {
      if (table !== "audit_events") await sql`DELETE FROM ${sql.table(table)}`.execute(trx);
    }
    let table: string | undefined;
    let batch: unknown[] = [];
    const flush = async () => {
      if (!table || batch.length === 0) return;
      const columns = await storedColumns(trx, table);
      const list = sql.join(columns.map((c) => sql.ref(c)));
      // Generated columns are left to the database to compute; identity columns keep their values.
      await sql`INSERT INTO ${sql.table(table)} (${list}) OVERRIDING SYSTEM VALUE
        SELECT ${list} FROM json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(batch)}::json)`.execute(
        trx,
      );
      rows += batch.length;
      onProgress?.(table, rows);
      batch = [];
    };
    for await (const line of { [Symbol.asyncIterator]: () => iterator }) {
      if (!line) continue;
      const value = JSON.parse(line);
      if (
        value &&
        typeof value === "object" &&
        "table" in value &&
        Object.keys(value).length === 1
      ) {
        await flush();
        table = String(value.table);
        tables++;
      } else {
        batch.push(value);
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
    // Serial columns continue after the restored ids.
    const seqs = await sql<{ table: string; column: string; seq: string }>`
      SELECT c.table_name AS table, c.column_name AS column, pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) AS seq
      FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL`.execute(
      trx,
    );
    for (const s of seqs.rows) {
      await sql`SELECT setval(${s.seq}, COALESCE((SELECT max(${sql.ref(s.column)}) FROM ${sql.table(s.table)}), 0) + 1, false)`.execute(
        trx,
      );
    }
  });
  return { tables, rows };
}
