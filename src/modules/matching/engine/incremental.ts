/**
 * Incremental matching: score new records against an already linked set (and each other) with
 * trained settings, without retraining or re-comparing the existing records among themselves.
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { UnionFind } from "./cluster.ts";
import { MatchInputError } from "./errors.ts";
import type { InputSpec } from "./io.ts";
import { type LinkageJob, runLinkage } from "./pipeline.ts";
import { isTrained, type Settings } from "./settings.ts";

export interface IncrementalJob {
  /** Trained settings (from --save-settings or a previous run). */
  settings: Settings;
  existing: InputSpec;
  /** CLUSTERS.csv of the existing records (id,cluster_id); without it each is its own cluster. */
  existingClusters?: string;
  newRecords: InputSpec;
  idColumn: string | [string, string];
  threshold?: number;
  onProgress?: LinkageJob["onProgress"];
  db?: LinkageJob["db"];
}

export interface NewRecordAssignment {
  id: string;
  /** The existing cluster it joined, or a new cluster named after a new record. */
  clusterId: string;
  /** Best-scoring existing record, when above the threshold. */
  bestMatch: string | null;
  bestProbability: number | null;
  isNewCluster: boolean;
}

export interface IncrementalResult {
  assignments: NewRecordAssignment[];
  /** Existing clusters the new records bridged together (each list was separate before). */
  mergedClusters: string[][];
  pairs: { left_id: string; right_id: string; match_probability: number; match_weight: number }[];
}

export async function matchNewRecords(job: IncrementalJob): Promise<IncrementalResult> {
  if (!isTrained(job.settings))
    throw new MatchInputError(
      "Incremental matching needs trained settings (save them with --save-settings).",
    );
  const threshold = job.threshold ?? 0.5;
  // Only pairs whose right-hand record is new: new↔existing and new↔new.
  const run = await runLinkage({
    inputs: [job.existing, job.newRecords],
    idColumn: job.idColumn,
    linkType: "link_and_dedupe",
    settings: { ...job.settings, linkType: "link_and_dedupe" },
    pairCondition: "r.__src = 1",
    threshold,
    onProgress: job.onProgress,
    db: job.db,
  });
  try {
    const ids = (await run.db.columns("SELECT __id FROM __records ORDER BY __rid"))
      .__id as string[];
    const sources = (await run.db.columns("SELECT __src FROM __records ORDER BY __rid"))
      .__src as number[];
    const uf = new UnionFind(ids.length);
    const ridOf = new Map(ids.map((id, rid) => [`${sources[rid]}:${id}`, rid]));
    const existingCluster = new Map<number, string>();
    if (job.existingClusters) {
      const rows = parse(readFileSync(job.existingClusters), {
        columns: true,
        skip_empty_lines: true,
      }) as { id: string; cluster_id: string }[];
      const first = new Map<string, number>();
      for (const row of rows) {
        const rid = ridOf.get(`0:${row.id}`);
        if (rid === undefined) continue;
        existingCluster.set(rid, row.cluster_id);
        const head = first.get(row.cluster_id);
        if (head === undefined) first.set(row.cluster_id, rid);
        else uf.union(head, rid);
      }
    }
    const clusterName = (rid: number) => existingCluster.get(rid) ?? ids[rid];
    const before = new Map<number, string>();
    for (let rid = 0; rid < ids.length; rid++)
      if (sources[rid] === 0) before.set(rid, clusterName(rid));
    const edges = await run.db.columns(
      `SELECT rid_l, rid_r, match_probability FROM __scored WHERE match_probability >= ${threshold}`,
    );
    const left = edges.rid_l as number[];
    const right = edges.rid_r as number[];
    const prob = edges.match_probability as number[];
    const best = new Map<number, { rid: number; p: number }>();
    const mergedBy = new Map<number, Set<string>>();
    for (let i = 0; i < left.length; i++) {
      uf.union(left[i], right[i]);
      if (sources[left[i]] === 0) {
        const current = best.get(right[i]);
        if (!current || prob[i] > current.p) best.set(right[i], { rid: left[i], p: prob[i] });
      }
    }
    // Name each component after an existing cluster it contains, else after its first new record.
    const names = new Map<number, string>();
    for (let rid = 0; rid < ids.length; rid++) {
      const root = uf.find(rid);
      if (sources[rid] === 0) {
        const set = mergedBy.get(root) ?? new Set<string>();
        set.add(before.get(rid) as string);
        mergedBy.set(root, set);
        if (!names.has(root)) names.set(root, before.get(rid) as string);
      }
    }
    const assignments: NewRecordAssignment[] = [];
    for (let rid = 0; rid < ids.length; rid++) {
      if (sources[rid] !== 1) continue;
      const root = uf.find(rid);
      if (!names.has(root)) names.set(root, ids[rid]);
      const match = best.get(rid);
      assignments.push({
        id: ids[rid],
        clusterId: names.get(root) as string,
        bestMatch: match ? ids[match.rid] : null,
        bestProbability: match ? match.p : null,
        isNewCluster: !mergedBy.has(root),
      });
    }
    const mergedClusters = [...mergedBy.values()]
      .filter((s) => s.size > 1)
      .map((s) => [...s].sort());
    const pairs = await run.pairs({ minProbability: threshold, limit: 1_000_000 });
    return { assignments, mergedClusters, pairs };
  } finally {
    run.close();
  }
}
