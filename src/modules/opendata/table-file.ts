import { type Conn, queryRows } from "./duck.ts";
import { literal } from "./table-schema.ts";

/**
 * The queryable Parquet file of a table holds its rows in the file's order and no row ids: `_id` (the
 * row's position, from 1) is Parquet's own row number, added when the file is read. Numbering the rows
 * while writing would take a second copy of the file (row_number() over the CSV makes the one pass
 * single-threaded). The file says so in its key-value metadata; files written before carry a stored `_id`
 * column and are read as they are.
 */
const ROW_IDS_KEY = "steward_row_ids";

/** The COPY options that mark a file as numbered when read. */
export const ROW_IDS_METADATA = `KV_METADATA {${ROW_IDS_KEY}: 'file_row_number'}`;

export interface TableFile {
  path: string;
  /** True when `_id` is stored in the file (written before row ids were added at read time). */
  storedIds: boolean;
}

export async function describeTableFile(conn: Conn, path: string): Promise<TableFile> {
  const [row] = await queryRows(
    conn,
    `SELECT count(*) AS n FROM parquet_kv_metadata(${literal(path)}) WHERE decode(key) = ${literal(ROW_IDS_KEY)}`,
  );
  return { path, storedIds: Number(row?.n ?? 0) === 0 };
}

/** The table as SQL: every row with `_id` first, in file order. */
export function tableSql(file: TableFile): string {
  return file.storedIds
    ? `read_parquet(${literal(file.path)})`
    : `(SELECT file_row_number + 1 AS _id, * EXCLUDE (file_row_number) FROM read_parquet(${literal(file.path)}, file_row_number = true))`;
}

/** The table without `_id`, in file order: what downloads hold. */
export function withoutIdsSql(file: TableFile): string {
  return file.storedIds
    ? `SELECT * EXCLUDE (_id) FROM read_parquet(${literal(file.path)}) ORDER BY _id`
    : `SELECT * FROM read_parquet(${literal(file.path)})`;
}
