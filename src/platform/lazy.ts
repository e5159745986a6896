/**
 * Heavy libraries that only some requests and jobs need, loaded on first use so that start-up stays quick
 * (each of these costs 300–400 ms to import).
 */
import type * as ExcelJS from "exceljs";

export type Excel = typeof ExcelJS;

export async function loadExcel(): Promise<Excel> {
  const mod = (await import("exceljs")) as unknown as { default?: Excel } & Excel;
  return mod.default ?? mod;
}

export function loadDuckDB() {
  return import("@duckdb/node-api");
}
