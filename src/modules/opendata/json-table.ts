import { csvQuote } from "./xlsx.ts";

/**
 * JSON and GeoJSON that are really tables, turned into CSV so they are validated, screened and
 * queried like any other table: an array of records, an object holding one array of records
 * (`{"data": [...]}`, `{"records": [...]}`), or a GeoJSON FeatureCollection (each feature's
 * properties, its geometry type, longitude and latitude for points, and the geometry as GeoJSON).
 * Nested objects become dotted columns (`address.postcode`), so the personal-data screen sees them.
 */
export type JsonTable = { csv: string; rows: number; columns: string[] } | { notTabular: string };

const MAX_COLUMNS = 500;
const MAX_DEPTH = 3;

export function jsonToTable(value: unknown): JsonTable {
  const records = recordsOf(value);
  if (typeof records === "string") return { notTabular: records };
  const rows = records.map((r) => flatten(r));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of row.keys())
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
  if (columns.length === 0) return { notTabular: "its records have no fields" };
  if (columns.length > MAX_COLUMNS)
    return { notTabular: `its records have more than ${MAX_COLUMNS} different fields` };
  const lines = [columns.map(csvQuote).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvQuote(row.get(c) ?? "")).join(","));
  return { csv: `${lines.join("\n")}\n`, rows: rows.length, columns };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function recordsOf(value: unknown): Record<string, unknown>[] | string {
  if (isRecord(value) && value.type === "FeatureCollection") {
    if (!Array.isArray(value.features)) return "its FeatureCollection has no features list";
    return value.features.filter(isRecord).map(featureRecord);
  }
  if (isRecord(value) && value.type === "Feature") return [featureRecord(value)];
  let list: unknown = value;
  if (isRecord(value)) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
    if (arrays.length !== 1) return "it is not a list of records";
    list = arrays[0][1];
  }
  if (!Array.isArray(list) || list.length === 0) return "it is not a list of records";
  if (!list.every(isRecord)) return "its list holds values that are not records";
  return list;
}

function featureRecord(feature: Record<string, unknown>): Record<string, unknown> {
  const properties = isRecord(feature.properties) ? feature.properties : {};
  const geometry = isRecord(feature.geometry) ? feature.geometry : undefined;
  const record: Record<string, unknown> = { ...properties };
  const put = (name: string, v: unknown) => {
    let key = name;
    while (key in record) key = `_${key}`;
    record[key] = v;
  };
  if (feature.id !== undefined) put("feature_id", feature.id);
  put("geometry_type", geometry?.type ?? null);
  const point =
    geometry?.type === "Point" && Array.isArray(geometry.coordinates)
      ? geometry.coordinates
      : undefined;
  put("longitude", point?.[0] ?? null);
  put("latitude", point?.[1] ?? null);
  put("geometry", geometry ? JSON.stringify(geometry) : null);
  return record;
}

function flatten(record: Record<string, unknown>, prefix = "", depth = 0): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, v] of Object.entries(record)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isRecord(v) && depth < MAX_DEPTH - 1)
      for (const [k, inner] of flatten(v, name, depth + 1)) out.set(k, inner);
    else out.set(name, cell(v));
  }
  return out;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}
