import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { diff, systemActor } from "../../platform/audit/audit-service.ts";
import type { Principal } from "../../platform/auth/policy.ts";
import type { Db } from "../../platform/db/database.ts";
import type { JobsService, ProgressReporter } from "../../platform/jobs/jobs-service.ts";
import {
  type Evaluation,
  evaluatePairs,
  type LinkageRun,
  loadResults,
  MatchInputError,
  type PairExplanation,
  type ProgressEvent,
  runLinkage,
  type Settings,
  type Stage,
} from "./engine/index.ts";
import "./tables.ts";

/** A mistake in what the user entered or uploaded: shown against the field. */
export class MatchingInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** What is missing before a project may run, one item per field. */
export class MatchingNotReadyError extends Error {
  constructor(readonly problems: { field: string; text: string }[]) {
    super(problems.map((p) => p.text).join("; "));
  }
}

export const LAWFUL_BASES = {
  "public-task": "Public task (Article 6(1)(e))",
  "legal-obligation": "Legal obligation (Article 6(1)(c))",
  "vital-interests": "Vital interests (Article 6(1)(d))",
  consent: "Consent (Article 6(1)(a))",
  contract: "Contract (Article 6(1)(b))",
  "legitimate-interests": "Legitimate interests (Article 6(1)(f))",
} as const;

/** Roles that may be named as viewers of a project's results. */
export const VIEWER_ROLES = ["analyst", "dpo", "ig-officer", "caseworker", "siro"] as const;

export interface Project {
  id: string;
  name: string;
  purpose: string;
  lawfulBasis: string;
  dpiaReference: string;
  idColumn: string;
  viewerRoles: string[];
  viewerUserIds: string[];
  deleteResultsOn: string | null;
  status: "active" | "deleted";
  resultsDeletedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectInput {
  name: string;
  purpose: string;
  lawfulBasis: string;
  dpiaReference: string;
  idColumn: string;
  viewerRoles: string[];
  viewerUserIds: string[];
  deleteResultsOn: string | null;
}

export interface Dataset {
  id: string;
  name: string;
  fileName: string;
  format: "csv" | "parquet";
  path: string | null;
  columns: string[] | null;
  sizeBytes: number;
  uploadedAt: Date;
  deletedAt: Date | null;
}

export interface Run {
  id: string;
  projectId: string;
  jobId: string | null;
  status: "queued" | "running" | "done" | "failed" | "deleted";
  metrics: RunMetrics | null;
  resultsDir: string | null;
  error: string | null;
  usedLabels: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface RunMetrics {
  linkType: string;
  records: number[];
  totalComparisons: number;
  comparedPairs: number;
  pairsAtHalf: number;
  reviewQueue: number;
  lambda: number;
  blockingRules: { rule: string; pairs: number; newPairs?: number }[];
  seconds: number;
}

/** A scored pair as shown to viewers: internal row numbers for the URL, pseudonyms for people. */
export interface PairView {
  key: string;
  leftId: string;
  rightId: string;
  leftPseudonym: string;
  rightPseudonym: string;
  matchProbability: number;
  matchWeight: number;
  decision?: "match" | "not-a-match";
}

export interface Review {
  leftId: string;
  rightId: string;
  decision: "match" | "not-a-match";
  note: string | null;
  decidedByLabel: string;
  decidedAt: Date;
}

/** Probability band of the clerical-review queue. */
export const REVIEW_BAND = { min: 0.3, max: 0.9 } as const;

const STAGES: Record<Stage, [number, number, string]> = {
  load: [0, 10, "Loading the datasets"],
  profile: [10, 15, "Profiling the columns"],
  prepare: [15, 30, "Standardising the records"],
  block: [30, 50, "Finding candidate pairs"],
  train: [50, 80, "Training the model"],
  predict: [80, 90, "Scoring the pairs"],
  cluster: [90, 92, "Clustering"],
  write: [92, 95, "Writing"],
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Masks a value for the pseudonymised view: its first character, then dots. */
export function mask(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "(none)";
  return `${value.slice(0, 1)}${"•".repeat(Math.min(6, Math.max(2, value.length - 1)))}`;
}

/**
 * Matching projects with privacy by design (issue 6): a project cannot run until its purpose, lawful
 * basis, DPIA, datasets, viewers and deletion date are recorded; results are pseudonymised, revealing a
 * pair is audited, and results are deleted on their date.
 */
export class MatchingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly options: { dataDir: string },
  ) {}

  projectDir(projectId: string): string {
    return join(this.options.dataDir, "matching", projectId);
  }

  // ── Projects ────────────────────────────────────────────────────────────────

  async projects(): Promise<Project[]> {
    const rows = await this.db
      .selectFrom("matching_projects")
      .selectAll()
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toProject);
  }

  async project(id: string): Promise<Project | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.db
      .selectFrom("matching_projects")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toProject(row) : undefined;
  }

  async createProject(ctx: AuditContext, input: ProjectInput): Promise<Project> {
    this.checkInput(input);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("matching_projects")
        .values({
          name: input.name,
          purpose: input.purpose,
          lawful_basis: input.lawfulBasis,
          dpia_reference: input.dpiaReference,
          id_column: input.idColumn,
          viewer_roles: input.viewerRoles,
          viewer_user_ids: input.viewerUserIds,
          delete_results_on: input.deleteResultsOn,
          pseudonym_key: randomBytes(32).toString("hex"),
          created_by: ctx.actorId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "matching-project",
          entityId: row.id,
          summary: `Matching project ${row.name} created`,
          changes: { ...input },
        },
        trx,
      );
      return toProject(row);
    });
  }

  async updateProject(ctx: AuditContext, id: string, input: ProjectInput): Promise<Project> {
    this.checkInput(input);
    const before = await this.project(id);
    if (!before) throw new MatchingInputError("project", "No such project.");
    if (before.status === "deleted")
      throw new MatchingInputError("name", "This project's results have been deleted.");
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("matching_projects")
        .set({
          name: input.name,
          purpose: input.purpose,
          lawful_basis: input.lawfulBasis,
          dpia_reference: input.dpiaReference,
          id_column: input.idColumn,
          viewer_roles: input.viewerRoles,
          viewer_user_ids: input.viewerUserIds,
          delete_results_on: input.deleteResultsOn,
          updated_at: new Date(),
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const old: ProjectInput = {
        name: before.name,
        purpose: before.purpose,
        lawfulBasis: before.lawfulBasis,
        dpiaReference: before.dpiaReference,
        idColumn: before.idColumn,
        viewerRoles: before.viewerRoles,
        viewerUserIds: before.viewerUserIds,
        deleteResultsOn: before.deleteResultsOn,
      };
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "matching-project",
          entityId: id,
          summary: `Matching project ${row.name} updated`,
          changes: diff({ ...old }, { ...input }),
        },
        trx,
      );
      return toProject(row);
    });
  }

  private checkInput(input: ProjectInput) {
    if (input.lawfulBasis && !(input.lawfulBasis in LAWFUL_BASES))
      throw new MatchingInputError("lawfulBasis", "Select the lawful basis");
    for (const r of input.viewerRoles)
      if (!(VIEWER_ROLES as readonly string[]).includes(r))
        throw new MatchingInputError("viewerRoles", "Select roles from the list");
  }

  private dpiaApproved?: (reference: string) => Promise<boolean>;

  /** Connects the DPIA register: a project then runs only under a DPIA signed off there. */
  useDpiaRegister(isApproved: (reference: string) => Promise<boolean>): void {
    this.dpiaApproved = isApproved;
  }

  /** `readiness`, plus the check that the DPIA named is signed off in the register. */
  async readinessToRun(
    project: Project,
    datasets: Dataset[],
  ): Promise<{ field: string; text: string }[]> {
    const problems = this.readiness(project, datasets);
    const reference = project.dpiaReference.trim();
    if (reference && this.dpiaApproved && !(await this.dpiaApproved(reference)))
      problems.push({
        field: "dpiaReference",
        text: `${reference} is not a signed-off DPIA in the DPIA register: matching personal data may run only under an approved DPIA`,
      });
    return problems;
  }

  /** What must still be recorded before the project may run; empty when it is ready. */
  readiness(project: Project, datasets: Dataset[]): { field: string; text: string }[] {
    const problems: { field: string; text: string }[] = [];
    if (project.status === "deleted")
      return [{ field: "project", text: "This project's results and datasets have been deleted" }];
    if (!project.purpose.trim())
      problems.push({ field: "purpose", text: "Record the purpose of the matching" });
    if (!project.lawfulBasis)
      problems.push({ field: "lawfulBasis", text: "Record the lawful basis for the matching" });
    if (!project.dpiaReference.trim())
      problems.push({
        field: "dpiaReference",
        text: "Record the DPIA that covers this matching: matching personal data needs a DPIA",
      });
    if (project.viewerRoles.length === 0 && project.viewerUserIds.length === 0)
      problems.push({ field: "viewers", text: "Name who may see the results" });
    if (!project.deleteResultsOn)
      problems.push({ field: "deleteResultsOn", text: "Record when the results must be deleted" });
    else if (project.deleteResultsOn <= today())
      problems.push({
        field: "deleteResultsOn",
        text: "The deletion date must be in the future",
      });
    if (!project.idColumn.trim())
      problems.push({ field: "idColumn", text: "Record the column that identifies each record" });
    const live = datasets.filter((d) => !d.deletedAt);
    if (live.length === 0) problems.push({ field: "file", text: "Upload at least one dataset" });
    if (live.length > 2)
      problems.push({ field: "file", text: "A project matches one or two datasets: remove one" });
    if (project.idColumn.trim())
      for (const d of live)
        if (d.columns && !d.columns.includes(project.idColumn.trim()))
          problems.push({
            field: "idColumn",
            text: `${d.name} has no column called ${project.idColumn.trim()}`,
          });
    return problems;
  }

  /** Named viewers and the DPO see results; nobody else, whatever their other roles. */
  canSeeResults(user: Principal | undefined, project: Project): boolean {
    if (!user) return false;
    if (user.roles.includes("dpo")) return true;
    if (project.viewerUserIds.includes(user.id)) return true;
    return project.viewerRoles.some((r) => (user.roles as string[]).includes(r));
  }

  // ── Datasets ────────────────────────────────────────────────────────────────

  async datasets(projectId: string): Promise<Dataset[]> {
    const rows = await this.db
      .selectFrom("matching_datasets")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("uploaded_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      fileName: r.file_name,
      format: r.format,
      path: r.path,
      columns: r.columns,
      sizeBytes: Number(r.size_bytes),
      uploadedAt: r.uploaded_at,
      deletedAt: r.deleted_at,
    }));
  }

  async addDataset(
    ctx: AuditContext,
    projectId: string,
    file: { fileName: string; data: Buffer; name?: string },
  ): Promise<Dataset> {
    const project = await this.project(projectId);
    if (!project) throw new MatchingInputError("file", "No such project.");
    if (project.status === "deleted")
      throw new MatchingInputError("file", "This project's results have been deleted.");
    const format = /\.csv$/i.test(file.fileName)
      ? "csv"
      : /\.parquet$/i.test(file.fileName)
        ? "parquet"
        : undefined;
    if (!format) throw new MatchingInputError("file", "The selected file must be a CSV or Parquet");
    if (file.data.length === 0) throw new MatchingInputError("file", "The selected file is empty");
    let columns: string[] | null = null;
    if (format === "csv") {
      columns = csvHeader(file.data);
      if (columns.length === 0 || columns.every((c) => !c))
        throw new MatchingInputError("file", "The CSV must have a header row naming its columns");
    } else if (file.data.subarray(0, 4).toString("latin1") !== "PAR1") {
      throw new MatchingInputError("file", "The selected file is not a Parquet file");
    }
    const existing = (await this.datasets(projectId)).filter((d) => !d.deletedAt);
    if (existing.length >= 2)
      throw new MatchingInputError(
        "file",
        "A project matches one or two datasets: remove one first",
      );
    const name = (file.name ?? "").trim() || file.fileName.replace(/\.(csv|parquet)$/i, "");
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("matching_datasets")
        .values({
          project_id: projectId,
          name: name.slice(0, 200),
          file_name: file.fileName.slice(0, 300),
          format,
          columns,
          size_bytes: file.data.length,
          uploaded_by: ctx.actorId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const dir = join(this.projectDir(projectId), "datasets");
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${row.id}.${format}`);
      writeFileSync(path, file.data);
      await trx.updateTable("matching_datasets").set({ path }).where("id", "=", row.id).execute();
      await this.audit.record(
        ctx,
        {
          action: "upload",
          entityType: "matching-project",
          entityId: projectId,
          summary: `Dataset ${row.name} (${file.fileName}) uploaded to ${project.name}`,
          changes: { datasetId: row.id, bytes: file.data.length, columns },
        },
        trx,
      );
      return {
        id: row.id,
        name: row.name,
        fileName: row.file_name,
        format,
        path,
        columns,
        sizeBytes: file.data.length,
        uploadedAt: row.uploaded_at,
        deletedAt: null,
      };
    });
  }

  async removeDataset(ctx: AuditContext, projectId: string, datasetId: string): Promise<void> {
    if (!isUuid(datasetId)) throw new MatchingInputError("file", "No such dataset.");
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("matching_datasets")
        .selectAll()
        .where("id", "=", datasetId)
        .where("project_id", "=", projectId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!row) throw new MatchingInputError("file", "No such dataset.");
      if (row.path) rmSync(row.path, { force: true });
      await trx
        .updateTable("matching_datasets")
        .set({ deleted_at: new Date(), path: null })
        .where("id", "=", datasetId)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "matching-project",
          entityId: projectId,
          summary: `Dataset ${row.name} removed`,
          changes: { datasetId },
        },
        trx,
      );
    });
  }

  // ── Runs ────────────────────────────────────────────────────────────────────

  async runs(projectId: string): Promise<Run[]> {
    const rows = await this.db
      .selectFrom("matching_runs")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(toRun);
  }

  async run(projectId: string, runId: string): Promise<Run | undefined> {
    if (!isUuid(runId)) return undefined;
    const row = await this.db
      .selectFrom("matching_runs")
      .selectAll()
      .where("id", "=", runId)
      .where("project_id", "=", projectId)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /** Queues a run as a background job; refuses when anything the project needs is missing. */
  async startRun(
    ctx: AuditContext,
    projectId: string,
    options: { useLabels?: boolean } = {},
  ): Promise<Run> {
    const project = await this.project(projectId);
    if (!project) throw new MatchingInputError("project", "No such project.");
    const problems = await this.readinessToRun(project, await this.datasets(projectId));
    if (problems.length) throw new MatchingNotReadyError(problems);
    const labels = options.useLabels ? await this.reviews(projectId) : [];
    const hasBoth =
      labels.some((l) => l.decision === "match") &&
      labels.some((l) => l.decision === "not-a-match");
    if (options.useLabels && !hasBoth)
      throw new MatchingNotReadyError([
        {
          field: "useLabels",
          text: "Training from review decisions needs at least one match and one non-match",
        },
      ]);
    const run = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("matching_runs")
        .values({
          project_id: projectId,
          started_by: ctx.actorId,
          used_labels: options.useLabels ? labels.length : 0,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "run",
          entityType: "matching-project",
          entityId: projectId,
          summary: `Matching run started for ${project.name}`,
          changes: {
            runId: row.id,
            purpose: project.purpose,
            dpiaReference: project.dpiaReference,
            trainingLabels: row.used_labels,
          },
        },
        trx,
      );
      return row;
    });
    const jobId = await this.jobs.enqueue("matching.run", { runId: run.id }, { maxAttempts: 1 });
    await this.db
      .updateTable("matching_runs")
      .set({ job_id: jobId ?? null })
      .where("id", "=", run.id)
      .execute();
    return toRun({ ...run, job_id: jobId ?? null });
  }

  /** The job: runs the engine, reports progress, saves results under the project's folder. */
  async executeRun(runId: string, progress: ProgressReporter): Promise<Record<string, unknown>> {
    const runRow = await this.db
      .selectFrom("matching_runs")
      .selectAll()
      .where("id", "=", runId)
      .executeTakeFirst();
    if (runRow?.status !== "queued") return { skipped: true };
    const project = await this.project(runRow.project_id);
    if (!project) return { skipped: true };
    const datasets = (await this.datasets(project.id)).filter((d) => !d.deletedAt && d.path);
    const fail = async (message: string) => {
      await this.db
        .updateTable("matching_runs")
        .set({ status: "failed", error: message.slice(0, 2000), finished_at: new Date() })
        .where("id", "=", runId)
        .execute();
      await this.audit.record(systemActor, {
        action: "run-failed",
        entityType: "matching-project",
        entityId: project.id,
        summary: `Matching run failed: ${message.slice(0, 300)}`,
        changes: { runId },
      });
    };
    const problems = await this.readinessToRun(project, datasets);
    if (problems.length) {
      await fail(problems.map((p) => p.text).join("; "));
      return { failed: true };
    }
    await this.db
      .updateTable("matching_runs")
      .set({ status: "running" })
      .where("id", "=", runId)
      .execute();
    await progress(0, "Starting");
    const started = performance.now();
    let chain: Promise<void> = Promise.resolve();
    let lastAt = 0;
    let lastStage: Stage | undefined;
    const onProgress = (e: ProgressEvent) => {
      const now = Date.now();
      if (e.stage === lastStage && now - lastAt < 500 && e.done < e.total) return;
      lastAt = now;
      lastStage = e.stage;
      const [from, to, label] = STAGES[e.stage] ?? [0, 95, e.stage];
      const pct = from + (e.total > 0 ? (to - from) * Math.min(1, e.done / e.total) : 0);
      chain = chain.then(() => progress(pct, e.message ? `${label}: ${e.message}` : label));
    };
    const resultsDir = join(this.projectDir(project.id), "runs", runId);
    let run: LinkageRun | undefined;
    try {
      let trainingLabels:
        | { path: string; leftColumn: string; rightColumn: string; labelColumn: string }
        | undefined;
      if (runRow.used_labels > 0) {
        const path = await this.writeLabels(project.id);
        if (path)
          trainingLabels = {
            path,
            leftColumn: "left_id",
            rightColumn: "right_id",
            labelColumn: "label",
          };
      }
      run = await runLinkage({
        inputs: datasets.map((d) => ({ path: d.path as string, name: d.name })),
        idColumn: project.idColumn.trim(),
        trainingLabels,
        onProgress,
      });
      await chain;
      await progress(95, "Saving the results");
      rmSync(resultsDir, { recursive: true, force: true });
      await run.save(resultsDir);
      await run.writePairs(join(resultsDir, "pairs.csv"), 0.01);
      const pairsAtHalf = await run.db.scalar(
        "SELECT count(*) FROM __scored WHERE match_probability >= 0.5",
      );
      const reviewQueue = await run.db.scalar(
        `SELECT count(*) FROM __scored WHERE match_probability BETWEEN ${REVIEW_BAND.min} AND ${REVIEW_BAND.max}`,
      );
      const metrics: RunMetrics = {
        linkType: run.summary.linkType,
        records: run.summary.records,
        totalComparisons: run.summary.totalComparisons,
        comparedPairs: run.summary.comparedPairs,
        pairsAtHalf,
        reviewQueue,
        lambda: run.summary.lambda,
        blockingRules: run.summary.blockingRules.map((r) => ({
          rule: r.rule,
          pairs: r.pairs,
          newPairs: r.newPairs,
        })),
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable("matching_runs")
          .set({
            status: "done",
            settings: JSON.stringify(run?.settings ?? null),
            metrics: JSON.stringify(metrics),
            results_dir: resultsDir,
            finished_at: new Date(),
          })
          .where("id", "=", runId)
          .execute();
        await this.audit.record(
          systemActor,
          {
            action: "run-complete",
            entityType: "matching-project",
            entityId: project.id,
            summary: `Matching run finished: ${metrics.comparedPairs} pairs compared, ${pairsAtHalf} at probability 0.5 or more`,
            changes: { runId, comparedPairs: metrics.comparedPairs, pairsAtHalf },
          },
          trx,
        );
      });
      return { runId, pairsAtHalf };
    } catch (err) {
      await chain.catch(() => {});
      rmSync(resultsDir, { recursive: true, force: true });
      if (err instanceof MatchInputError) {
        await fail(err.message);
        return { failed: true, error: err.message };
      }
      await fail("The run stopped because of an error in Steward. Try again, or report it.");
      throw err;
    } finally {
      run?.close();
    }
  }

  // ── Results (callers check canSeeResults first) ─────────────────────────────

  private async open(run: Run): Promise<LinkageRun> {
    if (run.status !== "done" || !run.resultsDir || !existsSync(run.resultsDir))
      throw new MatchingInputError("run", "This run has no results.");
    return loadResults(run.resultsDir);
  }

  /** A stable pseudonym for a record id: keyed per project, so it cannot be reversed or linked across projects. */
  pseudonym(project: Project, id: string, key: string): string {
    return `P-${createHmac("sha256", key).update(`${project.id}:${id}`).digest("hex").slice(0, 10)}`;
  }

  private async keyOf(projectId: string): Promise<string> {
    const row = await this.db
      .selectFrom("matching_projects")
      .select("pseudonym_key")
      .where("id", "=", projectId)
      .executeTakeFirst();
    if (!row?.pseudonym_key)
      throw new MatchingInputError("run", "This project's results have been deleted.");
    return row.pseudonym_key;
  }

  /** A page of pairs in a probability band, pseudonymised; the view is audited. */
  async pairs(
    ctx: AuditContext,
    project: Project,
    run: Run,
    options: { min: number; max: number; limit: number; offset: number; purpose: string },
  ): Promise<{ pairs: PairView[]; total: number }> {
    const key = await this.keyOf(project.id);
    const results = await this.open(run);
    try {
      const where = `s.match_probability BETWEEN ${Number(options.min)} AND ${Number(options.max)}`;
      const total = await results.db.scalar(`SELECT count(*) FROM __scored s WHERE ${where}`);
      const rows = await results.db.rows<{
        rid_l: number;
        rid_r: number;
        left_id: string;
        right_id: string;
        match_probability: number;
        match_weight: number;
      }>(
        `SELECT s.rid_l, s.rid_r, l.__id AS left_id, r.__id AS right_id, s.match_probability, s.match_weight
         FROM __scored s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r
         WHERE ${where} ORDER BY s.match_weight DESC, s.rid_l, s.rid_r
         LIMIT ${Math.trunc(options.limit)} OFFSET ${Math.trunc(options.offset)}`,
      );
      const decisions = await this.decisionMap(project.id);
      const pairs = rows.map((r) => this.toPairView(project, key, r, decisions));
      await this.audit.record(ctx, {
        action: "view",
        entityType: "matching-run",
        entityId: run.id,
        summary: `Viewed ${pairs.length} pseudonymised pairs (${options.purpose}) of ${project.name}`,
        changes: {
          projectId: project.id,
          min: options.min,
          max: options.max,
          offset: options.offset,
        },
      });
      return { pairs, total };
    } finally {
      results.close();
    }
  }

  private toPairView(
    project: Project,
    key: string,
    r: {
      rid_l: number;
      rid_r: number;
      left_id: string;
      right_id: string;
      match_probability: number;
      match_weight: number;
    },
    decisions: Map<string, "match" | "not-a-match">,
  ): PairView {
    const leftId = String(r.left_id);
    const rightId = String(r.right_id);
    return {
      key: `${Number(r.rid_l)}-${Number(r.rid_r)}`,
      leftId,
      rightId,
      leftPseudonym: this.pseudonym(project, leftId, key),
      rightPseudonym: this.pseudonym(project, rightId, key),
      matchProbability: Number(r.match_probability),
      matchWeight: Number(r.match_weight),
      decision: decisions.get(`${leftId}\u0000${rightId}`),
    };
  }

  private async decisionMap(projectId: string) {
    const reviews = await this.reviews(projectId);
    return new Map(reviews.map((r) => [`${r.leftId}\u0000${r.rightId}`, r.decision] as const));
  }

  /**
   * One pair with its waterfall. Values are masked unless `reveal` carries a reason, which is
   * recorded as a "reveal" in the audit trail; a masked view is recorded as a "view".
   */
  async pair(
    ctx: AuditContext,
    project: Project,
    run: Run,
    pairKey: string,
    reveal?: { reason: string },
  ): Promise<{ pair: PairView; explanation: PairExplanation; revealed: boolean } | undefined> {
    const m = /^(\d{1,12})-(\d{1,12})$/.exec(pairKey);
    if (!m) return undefined;
    const key = await this.keyOf(project.id);
    const results = await this.open(run);
    try {
      const [row] = await results.db.rows<{
        rid_l: number;
        rid_r: number;
        left_id: string;
        right_id: string;
        match_probability: number;
        match_weight: number;
      }>(
        `SELECT s.rid_l, s.rid_r, l.__id AS left_id, r.__id AS right_id, s.match_probability, s.match_weight
         FROM __scored s JOIN __records l ON l.__rid = s.rid_l JOIN __records r ON r.__rid = s.rid_r
         WHERE s.rid_l = ${Number(m[1])} AND s.rid_r = ${Number(m[2])}`,
      );
      if (!row) return undefined;
      const pair = this.toPairView(project, key, row, await this.decisionMap(project.id));
      const explanation = await results.explain(pair.leftId, pair.rightId);
      if (!explanation) return undefined;
      const revealed = !!reveal;
      if (!revealed) {
        explanation.leftId = pair.leftPseudonym;
        explanation.rightId = pair.rightPseudonym;
        for (const s of explanation.steps) {
          if (s.leftValue !== undefined) s.leftValue = mask(s.leftValue);
          if (s.rightValue !== undefined) s.rightValue = mask(s.rightValue);
        }
      }
      await this.audit.record(ctx, {
        action: revealed ? "reveal" : "view",
        entityType: "matching-run",
        entityId: run.id,
        summary: revealed
          ? `Revealed pair ${pair.leftPseudonym} ↔ ${pair.rightPseudonym} of ${project.name}: ${reveal.reason}`
          : `Viewed pseudonymised pair ${pair.leftPseudonym} ↔ ${pair.rightPseudonym} of ${project.name}`,
        changes: {
          projectId: project.id,
          left: pair.leftPseudonym,
          right: pair.rightPseudonym,
          ...(revealed ? { reason: reveal.reason } : {}),
        },
      });
      return { pair, explanation, revealed };
    } finally {
      results.close();
    }
  }

  /** Match-weight histogram (bins one unit wide) over every compared pair. */
  async weightDistribution(run: Run): Promise<{ from: number; count: number }[]> {
    const results = await this.open(run);
    try {
      const rows = await results.db.rows<{ bin: number; n: number }>(
        "SELECT CAST(floor(match_weight) AS INTEGER) AS bin, count(*) AS n FROM __scored GROUP BY 1 ORDER BY 1",
      );
      return rows.map((r) => ({ from: Number(r.bin), count: Number(r.n) }));
    } finally {
      results.close();
    }
  }

  /** The trained m and u of every comparison level (from the run's saved settings). */
  async parameters(run: Run): Promise<
    {
      comparison: string;
      level: string;
      m: number | null;
      u: number | null;
      weight: number | null;
    }[]
  > {
    const row = await this.db
      .selectFrom("matching_runs")
      .select("settings")
      .where("id", "=", run.id)
      .executeTakeFirst();
    const settings = row?.settings as Settings | null | undefined;
    if (!settings?.comparisons) return [];
    return settings.comparisons.flatMap((c) =>
      c.levels
        .filter((l) => !l.isNull)
        .map((l) => ({
          comparison: c.name,
          level: l.label,
          m: typeof l.m === "number" ? l.m : null,
          u: typeof l.u === "number" ? l.u : null,
          weight:
            typeof l.m === "number" && typeof l.u === "number" && l.m > 0 && l.u > 0
              ? Math.log2(l.m / l.u)
              : null,
        })),
    );
  }

  // ── Reviews (labels) ────────────────────────────────────────────────────────

  async reviews(projectId: string): Promise<Review[]> {
    const rows = await this.db
      .selectFrom("matching_reviews")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("decided_at", "desc")
      .execute();
    return rows.map((r) => ({
      leftId: r.left_id,
      rightId: r.right_id,
      decision: r.decision,
      note: r.note,
      decidedByLabel: r.decided_by_label,
      decidedAt: r.decided_at,
    }));
  }

  /** Records a reviewer's decision on a pair (one per pair per project; a later decision replaces it). */
  async review(
    ctx: AuditContext,
    project: Project,
    run: Run,
    pairKey: string,
    decision: "match" | "not-a-match",
    note: string | null,
  ): Promise<PairView | undefined> {
    const found = await this.pair({ ...ctx }, project, run, pairKey);
    if (!found) return undefined;
    const { pair } = found;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("matching_reviews")
        .values({
          project_id: project.id,
          run_id: run.id,
          left_id: pair.leftId,
          right_id: pair.rightId,
          decision,
          note,
          match_probability: pair.matchProbability,
          decided_by: ctx.actorId,
          decided_by_label: ctx.actorLabel,
        })
        .onConflict((oc) =>
          oc.columns(["project_id", "left_id", "right_id"]).doUpdateSet({
            decision,
            note,
            run_id: run.id,
            match_probability: pair.matchProbability,
            decided_by: ctx.actorId,
            decided_by_label: ctx.actorLabel,
            decided_at: new Date(),
          }),
        )
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "review",
          entityType: "matching-run",
          entityId: run.id,
          summary: `Pair ${pair.leftPseudonym} ↔ ${pair.rightPseudonym}: ${decision === "match" ? "a match" : "not a match"}`,
          changes: {
            projectId: project.id,
            left: pair.leftPseudonym,
            right: pair.rightPseudonym,
            decision,
          },
        },
        trx,
      );
    });
    return { ...pair, decision };
  }

  /** Writes the project's review decisions as a labels CSV (left_id,right_id,label); undefined when none. */
  private async writeLabels(projectId: string): Promise<string | undefined> {
    const reviews = await this.reviews(projectId);
    if (reviews.length === 0) return undefined;
    const dir = this.projectDir(projectId);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "labels.csv");
    const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
    writeFileSync(
      path,
      `left_id,right_id,label\n${reviews
        .map((r) => `${q(r.leftId)},${q(r.rightId)},${r.decision === "match" ? 1 : 0}`)
        .join("\n")}\n`,
    );
    return path;
  }

  /** Precision, recall and the precision–recall curve against the review decisions, when there are some. */
  async evaluation(project: Project, run: Run): Promise<Evaluation | undefined> {
    if (run.status !== "done" || !run.resultsDir) return undefined;
    const pairsPath = join(run.resultsDir, "pairs.csv");
    if (!existsSync(pairsPath)) return undefined;
    const labels = await this.writeLabels(project.id);
    if (!labels) return undefined;
    try {
      return await evaluatePairs({
        pairsPath,
        labels: {
          path: labels,
          leftColumn: "left_id",
          rightColumn: "right_id",
          labelColumn: "label",
        },
        threshold: 0.5,
      });
    } catch (err) {
      if (err instanceof MatchInputError) return undefined;
      throw err;
    } finally {
      rmSync(labels, { force: true });
    }
  }

  // ── Deletion ────────────────────────────────────────────────────────────────

  /**
   * Deletes the results, datasets and review decisions of every project whose date has come: files
   * removed, review rows removed, the pseudonym key wiped. The project's record (purpose, basis, DPIA,
   * who ran what and when) stays, so the DPO can show what was matched and when it was deleted.
   */
  async deleteDue(asOf: string = today()): Promise<{ deleted: number }> {
    const due = await this.db
      .selectFrom("matching_projects")
      .selectAll()
      .where("status", "=", "active")
      .where("delete_results_on", "is not", null)
      .where("delete_results_on", "<=", asOf)
      .execute();
    for (const p of due) {
      await this.db.transaction().execute(async (trx) => {
        const runs = await trx
          .updateTable("matching_runs")
          .set({ status: "deleted", results_dir: null, deleted_at: new Date() })
          .where("project_id", "=", p.id)
          .where("status", "!=", "deleted")
          .returning("id")
          .execute();
        const datasets = await trx
          .updateTable("matching_datasets")
          .set({ path: null, deleted_at: new Date() })
          .where("project_id", "=", p.id)
          .where("deleted_at", "is", null)
          .returning("id")
          .execute();
        const reviews = await trx
          .deleteFrom("matching_reviews")
          .where("project_id", "=", p.id)
          .returning("id")
          .execute();
        await trx
          .updateTable("matching_projects")
          .set({ status: "deleted", pseudonym_key: null, results_deleted_at: new Date() })
          .where("id", "=", p.id)
          .execute();
        await this.audit.record(
          systemActor,
          {
            action: "delete",
            entityType: "matching-project",
            entityId: p.id,
            summary: `Results of ${p.name} deleted on their date (${p.delete_results_on}): ${runs.length} runs, ${datasets.length} datasets, ${reviews.length} review decisions`,
            changes: {
              runs: runs.length,
              datasets: datasets.length,
              reviews: reviews.length,
              deleteResultsOn: p.delete_results_on,
            },
          },
          trx,
        );
        // Files go last, inside the transaction: if removal fails, nothing is recorded as deleted.
        rmSync(this.projectDir(p.id), { recursive: true, force: true });
      });
    }
    return { deleted: due.length };
  }
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** The header row of a CSV (quotes removed), read from its first line. */
function csvHeader(data: Buffer): string[] {
  const text = data
    .subarray(0, 64 * 1024)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

type ProjectRow = {
  id: string;
  name: string;
  purpose: string;
  lawful_basis: string;
  dpia_reference: string;
  id_column: string;
  viewer_roles: string[];
  viewer_user_ids: string[];
  delete_results_on: string | null;
  status: "active" | "deleted";
  results_deleted_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    name: r.name,
    purpose: r.purpose,
    lawfulBasis: r.lawful_basis,
    dpiaReference: r.dpia_reference,
    idColumn: r.id_column,
    viewerRoles: r.viewer_roles ?? [],
    viewerUserIds: r.viewer_user_ids ?? [],
    deleteResultsOn: r.delete_results_on,
    status: r.status,
    resultsDeletedAt: r.results_deleted_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type RunRow = {
  id: string;
  project_id: string;
  job_id: string | null;
  status: Run["status"];
  metrics: Record<string, unknown> | null;
  results_dir: string | null;
  error: string | null;
  used_labels: number;
  created_at: Date;
  finished_at: Date | null;
};

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    projectId: r.project_id,
    jobId: r.job_id,
    status: r.status,
    metrics: (r.metrics as RunMetrics | null) ?? null,
    resultsDir: r.results_dir,
    error: r.error,
    usedLabels: r.used_labels,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}
