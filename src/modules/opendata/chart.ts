import { type Conn, openDuck, queryRows } from "./checker.ts";
import type { DatastoreField } from "./datastore.ts";
import { ident, literal } from "./table-schema.ts";

/**
 * A simple chart where the data suits one: the monthly total of the first amount column over the first date
 * column, or else the totals of an amount by a category column with few values. Drawn as SVG on the server
 * with the same figures in a table beside it, so it needs no script and reads well in a screen reader.
 */
export interface Chart {
  title: string;
  labelHeading: string;
  valueHeading: string;
  bars: {
    label: string;
    value: number;
    x: number;
    y: number;
    width: number;
    height: number;
    text: string;
  }[];
  width: number;
  height: number;
  max: number;
}

const money = (n: number) => n.toLocaleString("en-GB", { maximumFractionDigits: 0 });

export async function chartFor(
  parquetPath: string,
  fields: DatastoreField[],
  conn?: Conn,
): Promise<Chart | undefined> {
  const numeric = fields.find((f) => f.type === "numeric" && f.id !== "_id");
  if (!numeric) return undefined;
  const date = fields.find((f) => f.type === "date");
  const instance = conn ? undefined : await openDuck({ threads: 1, memoryLimit: "256MB" });
  const c = conn ?? (await (instance as NonNullable<typeof instance>).connect());
  try {
    const source = `read_parquet(${literal(parquetPath)})`;
    let rows: { label: string; value: number }[];
    let title: string;
    let labelHeading: string;
    if (date) {
      rows = (
        await queryRows(
          c,
          `SELECT strftime(date_trunc('month', ${ident(date.id)}), '%b %Y') AS label, sum(${ident(numeric.id)}) AS value, date_trunc('month', ${ident(date.id)}) AS m FROM ${source} WHERE ${ident(date.id)} IS NOT NULL GROUP BY ALL ORDER BY m LIMIT 36`,
        )
      ).map((r) => ({ label: String(r.label), value: Number(r.value ?? 0) }));
      title = `Total ${numeric.id} by month of ${date.id}`;
      labelHeading = "Month";
    } else {
      const category = fields.find((f) => f.type === "text" && f.id !== "_id");
      if (!category) return undefined;
      const [distinct] = await queryRows(
        c,
        `SELECT approx_count_distinct(${ident(category.id)}) AS n FROM ${source}`,
      );
      if (Number(distinct.n) > 40 || Number(distinct.n) < 2) return undefined;
      rows = (
        await queryRows(
          c,
          `SELECT coalesce(CAST(${ident(category.id)} AS VARCHAR), 'Not given') AS label, sum(${ident(numeric.id)}) AS value FROM ${source} GROUP BY 1 ORDER BY 2 DESC LIMIT 12`,
        )
      ).map((r) => ({ label: String(r.label), value: Number(r.value ?? 0) }));
      title = `Total ${numeric.id} by ${category.id}`;
      labelHeading = category.id;
    }
    if (rows.length < 2) return undefined;
    const max = Math.max(...rows.map((r) => Math.abs(r.value)), 1);
    const width = 640;
    const barArea = 200;
    const band = width / rows.length;
    return {
      title,
      labelHeading,
      valueHeading: numeric.id,
      width,
      height: barArea + 20,
      max,
      bars: rows.map((r, i) => {
        const h = Math.max(1, Math.round((Math.abs(r.value) / max) * barArea));
        return {
          label: r.label,
          value: r.value,
          x: Math.round(i * band + band * 0.1),
          y: barArea - h,
          width: Math.max(1, Math.round(band * 0.8)),
          height: h,
          text: money(r.value),
        };
      }),
    };
  } finally {
    if (!conn) {
      c.closeSync();
      instance?.closeSync();
    }
  }
}
