import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { loadDuckDB } from "../../../platform/lazy.ts";

export interface DbOptions {
  threads?: number;
  memoryLimit?: string;
  /** Spill directory for queries larger than memory. */
  tempDirectory?: string;
}

/** A DuckDB connection with the few helpers the engine needs. */
export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: DbOptions = {}): Promise<Db> {
    const { DuckDBInstance } = await loadDuckDB();
    const instance = await DuckDBInstance.create(":memory:", {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? "6GB",
      preserve_insertion_order: "false",
      ...(options.tempDirectory ? { temp_directory: options.tempDirectory } : {}),
    });
    const connection = await instance.connect();
    return new Db(instance, connection);
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as plain JS objects (BIGINT becomes number when safe, else bigint). */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => normaliseRow(row)) as T[];
  }

  async one<T = Record<string, unknown>>(sql: string): Promise<T> {
    const [row] = await this.rows<T>(sql);
    return row;
  }

  async scalar(sql: string): Promise<number> {
    const row = await this.one<Record<string, unknown>>(sql);
    const value = Object.values(row ?? {})[0];
    return value === null || value === undefined ? 0 : Number(value);
  }

  /** Columns as arrays: cheap way to move millions of numbers into JS. */
  async columns(sql: string): Promise<Record<string, DuckDBValue[]>> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getColumnsObject();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  return out;
}

/** Quote an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote an SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
