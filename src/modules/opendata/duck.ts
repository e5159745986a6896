import type { DuckDBInstance } from "@duckdb/node-api";
import { loadDuckDB } from "../../platform/lazy.ts";
import { literal } from "./table-schema.ts";

/** DuckDB as the open-data module uses it: a connection, rows as plain objects, a CSV read as text. */
export type Conn = Awaited<ReturnType<DuckDBInstance["connect"]>>;

export async function queryRows(conn: Conn, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

export const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * DuckDB with the limits every open-data job shares: two threads, bounded memory, spill to disk. The
 * default limit leaves room for Node and the database server within 2 GB while a 1 GB file is checked.
 */
export async function openDuck(
  options: { threads?: number; memoryLimit?: string; tempDir?: string } = {},
): Promise<DuckDBInstance> {
  const settings: Record<string, string> = {
    threads: String(options.threads ?? 2),
    memory_limit: options.memoryLimit ?? "1GB",
  };
  if (options.tempDir) settings.temp_directory = options.tempDir;
  const { DuckDBInstance: Instance } = await loadDuckDB();
  return Instance.create(":memory:", settings);
}

/** Every cell of a CSV file as text (nothing guessed), short rows padded with NULLs. */
export function csvSource(path: string, encoding?: string): string {
  return `read_csv(${literal(path)}, all_varchar = true, header = true, null_padding = true, sample_size = 20480${
    encoding ? `, encoding = ${literal(encoding)}` : ""
  })`;
}
