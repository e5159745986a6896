import type { DuckDBInstance } from "@duckdb/node-api";
import { type Conn, openDuck, queryRows } from "./duck.ts";
import { type BucketOptions, FilterBuckets } from "./filter-buckets.ts";
import { describeTableFile, type TableFile, tableSql, withoutIdsSql } from "./table-file.ts";
import { ident, literal } from "./table-schema.ts";

/**
 * The datastore: tabular resources queried in place from their Parquet files through DuckDB, never loaded
 * into PostgreSQL. Totals come from Parquet metadata when there is no filter, so they stay fast on millions
 * of rows. Parameters follow CKAN's `datastore_search`.
 */
export interface DatastoreQuery {
  filters?: Record<string, unknown>;
  q?: string | Record<string, string>;
  fields?: string[];
  sort?: string;
  limit?: number;
  offset?: number;
  includeTotal?: boolean;
  distinct?: boolean;
}

export interface DatastoreField {
  id: string;
  type: string;
  /** DuckDB's type, for comparisons (not part of CKAN's answer). */
  duckType?: string;
}

export interface DatastoreResult {
  fields: DatastoreField[];
  records: Record<string, unknown>[];
  total?: number;
  limit: number;
  offset: number;
}

export class DatastoreError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const MAX_ROWS = 32000;
/** datastore_search_sql statements running at once (each has a DuckDB of its own). */
export const SQL_AT_ONCE = 2;

/** A counting semaphore whose waiters give up after a time limit. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  acquire(timeoutMs: number): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(
          new DatastoreError("The server is busy with other queries: try again shortly", "query"),
        );
      }, timeoutMs);
      this.waiting.push(wake);
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** CKAN's type names for DuckDB's. */
function ckanType(duck: string): string {
  if (/INT/.test(duck)) return "int";
  if (/DOUBLE|DECIMAL|FLOAT|REAL/.test(duck)) return "numeric";
  if (duck === "DATE") return "date";
  if (/TIMESTAMP/.test(duck)) return "timestamp";
  if (duck === "BOOLEAN") return "bool";
  return "text";
}

/** JSON-safe values: BIGINT to number, DATE to YYYY-MM-DD. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

/** What the datastore keeps of a table file between requests: how to read it, its fields and rows. */
interface TableInfo {
  file: TableFile;
  fields: DatastoreField[];
  rows: number;
}

export class Datastore {
  private instance: Promise<DuckDBInstance> | undefined;
  private readonly tables = new Map<string, Promise<TableInfo>>();
  private readonly sqlSlots = new Slots(SQL_AT_ONCE);
  private readonly buckets: FilterBuckets;

  constructor(
    private readonly options: {
      threads?: number;
      memoryLimit?: string;
      buckets?: BucketOptions;
    } = {},
  ) {
    this.buckets = new FilterBuckets((fn) => this.withConn(fn), options.buckets);
  }

  private async connect(): Promise<Conn> {
    this.instance ??= openDuck({
      threads: this.options.threads ?? 2,
      memoryLimit: this.options.memoryLimit ?? "1GB",
    });
    return (await this.instance).connect();
  }

  private async withConn<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** A table file's layout, fields (`_id` first) and row count, read once (a version's file never changes). */
  private table(parquetPath: string): Promise<TableInfo> {
    let info = this.tables.get(parquetPath);
    if (!info) {
      info = this.withConn(async (conn) => {
        const file = await describeTableFile(conn, parquetPath);
        const fields = (await queryRows(conn, `DESCRIBE SELECT * FROM ${tableSql(file)}`)).map(
          (r) => ({
            id: String(r.column_name),
            type: ckanType(String(r.column_type)),
            duckType: String(r.column_type),
          }),
        );
        const [row] = await queryRows(
          conn,
          `SELECT sum(num_rows) AS n FROM parquet_file_metadata(${literal(parquetPath)})`,
        );
        return { file, fields, rows: Number(row?.n ?? 0) };
      });
      info.catch(() => this.tables.delete(parquetPath));
      this.tables.set(parquetPath, info);
    }
    return info;
  }

  /** Forgets what is cached of a table file (its version was withdrawn, or its file is gone). */
  forget(parquetPath: string): void {
    this.tables.delete(parquetPath);
  }

  async fields(parquetPath: string): Promise<DatastoreField[]> {
    return (await this.table(parquetPath)).fields.map(({ id, type }) => ({ id, type }));
  }

  async search(parquetPath: string, query: DatastoreQuery): Promise<DatastoreResult> {
    const table = await this.table(parquetPath);
    const fields = table.fields;
    const byId = new Map(fields.map((f) => [f.id, f]));
    const known = (name: string, param: string) => {
      if (!byId.has(name)) throw new DatastoreError(`field "${name}" not in table`, param);
      return ident(name);
    };
    const where: string[] = [];
    let bucketed: { column: string; values: string[] } | undefined;
    for (const [name, value] of Object.entries(query.filters ?? {})) {
      const column = known(name, "filters");
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      // Compared in the column's own type, so Parquet statistics can skip row groups.
      const duck = byId.get(name)?.duckType ?? "VARCHAR";
      const typed = values.map((v) => `TRY_CAST(${literal(v)} AS ${duck})`);
      where.push(`${column} IN (${typed.join(", ")})`);
      if (!bucketed && byId.get(name)?.type === "text" && values.length)
        bucketed = { column: name, values: typed };
    }
    const textColumns = fields.filter((f) => f.type === "text").map((f) => ident(f.id));
    if (typeof query.q === "string" && query.q.trim()) {
      // Every word somewhere in the row's text. A word has no spaces, so it is in the row's text when it is
      // in one of its columns: tested column by column, each test runs once per distinct value of a
      // dictionary-encoded column rather than on a string built for every row.
      for (const word of query.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10))
        where.push(
          textColumns.length
            ? `(${textColumns.map((c) => `contains(lower(${c}), ${literal(word)})`).join(" OR ")})`
            : "false",
        );
    } else if (query.q && typeof query.q === "object") {
      for (const [name, text] of Object.entries(query.q))
        where.push(
          `contains(lower(CAST(${known(name, "q")} AS VARCHAR)), ${literal(String(text).toLowerCase())})`,
        );
    }
    const selected = query.fields?.length ? query.fields.map((f) => known(f, "fields")) : ["*"];
    const order: string[] = [];
    for (const part of (query.sort ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^"?([^"]+?)"?(?:\s+(asc|desc))?$/i.exec(part);
      if (!m) throw new DatastoreError(`cannot sort by "${part}"`, "sort");
      order.push(`${known(m[1], "sort")} ${(m[2] ?? "asc").toUpperCase()}`);
    }
    const limit = Math.max(0, Math.min(query.limit ?? 100, MAX_ROWS));
    const offset = Math.max(0, query.offset ?? 0);
    // A filter on a text column reads only the rows in the buckets that can hold its values, if built.
    const bucket =
      bucketed &&
      (await this.buckets.source(
        parquetPath,
        bucketed.column,
        bucketed.values,
        tableSql(table.file),
        table.rows,
      ));
    const source = bucket || tableSql(table.file);
    const filter = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    // Without a sort, file order (`_id` is the row's place in the file; insertion order is preserved).
    // A bucket is not in _id order, so it is sorted (few rows match a value of a column worth bucketing).
    const defaultOrder = !bucket ? "" : query.distinct ? " ORDER BY ALL" : " ORDER BY _id";
    const select = `SELECT ${query.distinct ? "DISTINCT " : ""}${selected.join(", ")} FROM ${source}${filter}${
      order.length ? ` ORDER BY ${order.join(", ")}` : defaultOrder
    } LIMIT ${limit} OFFSET ${offset}`;
    return this.withConn(async (conn) => {
      const records = (await queryRows(conn, select)).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])),
      );
      let total: number | undefined;
      if (query.includeTotal !== false && !filter && !query.distinct) total = table.rows;
      else if (query.includeTotal !== false) {
        const countSql = query.distinct
          ? `SELECT count(*) AS n FROM (SELECT DISTINCT ${selected.join(", ")} FROM ${source}${filter})`
          : `SELECT count(*) AS n FROM ${source}${filter}`;
        const [row] = await queryRows(conn, countSql);
        total = Number(row?.n ?? 0);
      }
      const shown = (
        query.fields?.length ? query.fields.map((f) => byId.get(f) as DatastoreField) : fields
      ).map(({ id, type }) => ({ id, type }));
      return { fields: shown, records, total, limit, offset };
    });
  }

  /** Writes the data as JSON (an array of records) or CSV next to the Parquet file; returns the path. */
  async export(parquetPath: string, outPath: string, format: "json" | "csv"): Promise<string> {
    const { file } = await this.table(parquetPath);
    await this.withConn((conn) =>
      conn.run(
        `COPY (${withoutIdsSql(file)}) TO ${literal(outPath)} (FORMAT ${
          format === "json" ? "json, ARRAY true" : "csv, HEADER true"
        })`,
      ),
    );
    return outPath;
  }

  /**
   * Read-only SQL over published resources, each a view named by its resource id. The query runs in its own
   * DuckDB with file access switched off except for those Parquet files, the configuration locked, one
   * SELECT statement only, at most MAX_ROWS rows and a time limit.
   */
  async sql(
    statement: string,
    tables: Map<string, string>,
    options: { timeoutMs?: number } = {},
  ): Promise<{ fields: DatastoreField[]; records: Record<string, unknown>[] }> {
    const text = statement.trim().replace(/;\s*$/, "");
    // CKAN names a missing statement by its parameter and anything wrong with it "query".
    if (!text) throw new DatastoreError("Missing value", "sql");
    if (text.includes(";")) throw new DatastoreError("Query is not a single statement.", "query");
    // Each statement gets its own DuckDB (one thread, 512 MB): at most SQL_AT_ONCE run together, and one
    // that cannot start within its time limit is turned away rather than queued without end.
    await this.sqlSlots.acquire(options.timeoutMs ?? 5000);
    try {
      return await this.runSql(text, tables, options);
    } finally {
      this.sqlSlots.release();
    }
  }

  private async runSql(
    text: string,
    tables: Map<string, string>,
    options: { timeoutMs?: number },
  ): Promise<{ fields: DatastoreField[]; records: Record<string, unknown>[] }> {
    const instance = await openDuck({ threads: 1, memoryLimit: "512MB" });
    const conn = await instance.connect();
    const timer = setTimeout(() => conn.interrupt(), options.timeoutMs ?? 5000);
    try {
      const [check] = await queryRows(
        conn,
        `SELECT json_serialize_sql(${literal(text)})::VARCHAR AS j`,
      );
      const parsed = JSON.parse(String(check.j)) as {
        error?: boolean;
        error_message?: string;
        statements?: unknown[];
      };
      if (parsed.error || parsed.statements?.length !== 1)
        throw new DatastoreError(
          /SELECT/i.test(parsed.error_message ?? "")
            ? "Only SELECT statements are allowed"
            : `Invalid SQL: ${parsed.error_message ?? ""}`.trim(),
          "query",
        );
      const referenced = [...tables.keys()].filter((id) => text.includes(id));
      for (const id of referenced)
        await conn.run(
          `CREATE VIEW ${ident(id)} AS SELECT * FROM ${tableSql((await this.table(tables.get(id) as string)).file)}`,
        );
      await conn.run(
        `SET allowed_paths = [${referenced.map((id) => literal(tables.get(id) as string)).join(", ")}]`,
      );
      await conn.run("SET enable_external_access = false");
      await conn.run("SET lock_configuration = true");
      const reader = await conn.runAndReadAll(`SELECT * FROM (${text}) AS q LIMIT ${MAX_ROWS}`);
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => ckanType(String(t).toUpperCase()));
      const records = (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])),
      );
      return { fields: names.map((id, i) => ({ id, type: types[i] })), records };
    } catch (err) {
      if (err instanceof DatastoreError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (/interrupt/i.test(message)) throw new DatastoreError("Query took too long", "query");
      throw new DatastoreError(message.split("\n")[0].replace(/\/[^\s"']+/g, "…"), "query");
    } finally {
      clearTimeout(timer);
      conn.closeSync();
      instance.closeSync();
    }
  }

  close(): void {
    void this.instance?.then((i) => i.closeSync());
    this.instance = undefined;
  }
}
