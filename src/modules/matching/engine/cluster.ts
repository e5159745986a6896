/** Clusters by connected components of the pairs at or above a threshold (union–find on typed arrays). */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Db } from "./db.ts";

export class UnionFind {
  readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[x] !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  /** Joins two sets; the smaller index becomes the root so cluster ids are stable. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

/** Cluster of each record (by __rid): the smallest __rid in its component. */
export async function connectedComponents(
  db: Db,
  threshold: number,
  table = "__scored",
): Promise<Int32Array> {
  const n = await db.scalar("SELECT count(*) FROM __records");
  const uf = new UnionFind(n);
  const cols = await db.columns(
    `SELECT rid_l, rid_r FROM ${table} WHERE match_probability >= ${threshold}`,
  );
  const left = cols.rid_l as number[];
  const right = cols.rid_r as number[];
  for (let i = 0; i < left.length; i++) uf.union(left[i], right[i]);
  const clusters = new Int32Array(n);
  for (let i = 0; i < n; i++) clusters[i] = uf.find(i);
  return clusters;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** CLUSTERS.csv: `id,cluster_id`, the cluster id being the id of the cluster's first record. */
export async function writeClustersCsv(
  db: Db,
  clusters: Int32Array,
  path: string,
): Promise<number> {
  const ids = (await db.columns("SELECT __id FROM __records ORDER BY __rid")).__id as string[];
  const fd = openSync(path, "w");
  try {
    let buffer = "id,cluster_id\n";
    for (let i = 0; i < ids.length; i++) {
      buffer += `${csvField(ids[i])},${csvField(ids[clusters[i]])}\n`;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = "";
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  return new Set(clusters).size;
}
