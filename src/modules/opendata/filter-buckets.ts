import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { type Conn, num, queryRows } from "./duck.ts";
import { ident, literal } from "./table-schema.ts";

export interface BucketOptions {
  /** Tables smaller than this are scanned: a filter over them is quick without help. */
  minRows: number;
  /** Columns with fewer distinct values are scanned: matches come early and Parquet skips by dictionary. */
  minDistinct: number;
  /** About this many rows per bucket: fewer, larger buckets are quicker to write and slower to read. */
  rowsPerBucket: number;
}

export const BUCKETS: BucketOptions = {
  minRows: 500_000,
  minDistinct: 1_000,
  rowsPerBucket: 262_144,
};

interface Layout {
  /** 0: not worth it for this column (recorded so the decision is not made again). */
  buckets: number;
}

/**
 * A copy of a large table split into buckets by the hash of one text column, kept beside the Parquet file:
 * a filter on that column (a payee, say, with 40,000 names spread through 4 million rows) then reads the
 * one bucket holding the value, for both the page and the total, instead of scanning the whole file twice.
 * The copy is made the first time a column is filtered on (about a Parquet rewrite's work; that request
 * waits for it), never for a small table or a column with few distinct values, and goes with its version's
 * folder. The main file stays in _id order; a bucket (which stores `_id`) is read with the same filters,
 * in _id order unless sorted otherwise, so the answer is the same either way.
 */
export class FilterBuckets {
  private readonly building = new Map<string, Promise<Layout | undefined>>();

  constructor(
    private readonly withConn: <T>(fn: (conn: Conn) => Promise<T>) => Promise<T>,
    private readonly options: BucketOptions = BUCKETS,
  ) {}

  private dir(parquetPath: string, column: string): string {
    return `${parquetPath}.by-${Buffer.from(column).toString("hex")}`;
  }

  /**
   * The Parquet source holding every row whose `column` is one of `values` (as SQL literals of the
   * column's type), or undefined when the whole file should be scanned. `table` reads the whole file
   * with its `_id` (table-file.ts): each bucket stores the ids.
   */
  async source(
    parquetPath: string,
    column: string,
    values: string[],
    table: string,
    rows: number,
  ): Promise<string | undefined> {
    if (rows < this.options.minRows || values.length === 0) return undefined;
    const dir = this.dir(parquetPath, column);
    let building = this.building.get(dir);
    if (!building) {
      building = this.layout(table, column, dir).catch(() => undefined);
      this.building.set(dir, building);
    }
    const layout = await building;
    if (!layout?.buckets) return undefined;
    const buckets = await this.withConn((conn) =>
      queryRows(
        conn,
        `SELECT DISTINCT CAST(hash(v) % ${layout.buckets} AS INTEGER) AS b FROM (SELECT unnest([${values.join(", ")}]) AS v)`,
      ),
    );
    const files = buckets
      .map((r) => `${dir}/__bucket=${num(r.b)}/*.parquet`)
      .filter((glob) => existsSync(glob.slice(0, -"/*.parquet".length)));
    // No file: no row has any of the values (an empty bucket is never written).
    if (!files.length) return `(SELECT * FROM ${table} LIMIT 0)`;
    return `read_parquet([${files.map(literal).join(", ")}], hive_partitioning = false)`;
  }

  /** Reads the recorded layout, or works it out and builds the buckets. */
  private async layout(source: string, column: string, dir: string): Promise<Layout> {
    const recorded = `${dir}.json`;
    if (existsSync(recorded)) return JSON.parse(await readFile(recorded, "utf8")) as Layout;
    const layout = await this.withConn(async (conn) => {
      const [stats] = await queryRows(
        conn,
        `SELECT count(*) AS n, approx_count_distinct(${ident(column)}) AS d FROM ${source}`,
      );
      if (num(stats.n) < this.options.minRows || num(stats.d) < this.options.minDistinct)
        return { buckets: 0 };
      const buckets = Math.min(
        256,
        Math.max(2, Math.ceil(num(stats.n) / this.options.rowsPerBucket)),
      );
      const temporary = `${dir}.tmp-${randomUUID()}`;
      try {
        await conn.run(
          `COPY (SELECT *, CAST(hash(${ident(column)}) % ${buckets} AS INTEGER) AS __bucket FROM ${source}) TO ${literal(temporary)} (FORMAT parquet, PARTITION_BY (__bucket), COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 32768)`,
        );
        await rm(dir, { recursive: true, force: true });
        await rename(temporary, dir);
      } catch (err) {
        await rm(temporary, { recursive: true, force: true });
        throw err;
      }
      return { buckets };
    });
    await writeFile(recorded, JSON.stringify(layout));
    return layout;
  }
}
