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

export interface CsvReading {
  /** The file's encoding when it is not UTF-8 ("latin-1" for Windows-1252 exports). */
  encoding?: string;
  /**
   * One thread: DuckDB's parallel reader cannot pad short rows in a file with line breaks inside quoted
   * cells (an address over several lines, as Excel writes it).
   */
  serial?: boolean;
}

/** Every cell of a CSV file as text (nothing guessed), short rows padded with NULLs. */
export function csvSource(path: string, reading: CsvReading = {}): string {
  return `read_csv(${literal(path)}, all_varchar = true, header = true, null_padding = true, sample_size = 20480${
    reading.encoding ? `, encoding = ${literal(reading.encoding)}` : ""
  }${reading.serial ? ", parallel = false" : ""})`;
}

/**
 * Reads a CSV into `table`, every cell as text, the first data row as rowid 0 (row n of a report is
 * rowid + 2: the header is row 1). Windows-1252 files (the £ of Excel exports) are read again as Latin-1,
 * and files with line breaks inside quoted cells again by one thread.
 */
export async function loadCsv(conn: Conn, path: string, table: string): Promise<void> {
  let reading: CsvReading = {};
  for (;;) {
    try {
      await conn.run(
        `CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${csvSource(path, reading)}`,
      );
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!reading.serial && /quoted new ?lines/i.test(message))
        reading = { ...reading, serial: true };
      else if (!reading.encoding && /unicode|utf-?8|encoding/i.test(message))
        reading = { ...reading, encoding: "latin-1" };
      else throw err;
    }
  }
}
