import { hostname } from "node:os";
import { sql } from "kysely";
import type { Db } from "../db/database.ts";

export type ProgressReporter = (percent: number, message?: string) => Promise<void>;
export type JobHandler = (
  payload: Record<string, unknown>,
  progress: ProgressReporter,
) => Promise<unknown>;

export interface JobStatus {
  id: string;
  name: string;
  status: "queued" | "running" | "done" | "failed";
  progress: number | null;
  progressMessage: string | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A job still "running" this long after its last progress is presumed dead (its process stopped) and retried. */
const STALE_AFTER_SECONDS = 600;

/**
 * Durable jobs in PostgreSQL. Claiming uses FOR UPDATE SKIP LOCKED and schedules advance with a
 * conditional UPDATE, so several Steward processes on one database run each job exactly once.
 */
export class JobsService {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly periodic = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  readonly workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;

  constructor(
    private readonly db: Db,
    private readonly log: (msg: string, extra?: Record<string, unknown>) => void = () => {},
  ) {}

  define(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  /** Runs `name` every `everySeconds`, first at the next tick. Handler must already be defined. */
  every(name: string, everySeconds: number): void {
    this.periodic.set(name, everySeconds);
  }

  async enqueue(
    name: string,
    payload: Record<string, unknown> = {},
    options: { runAt?: Date; uniqueKey?: string; maxAttempts?: number } = {},
  ): Promise<string | undefined> {
    const row = await this.db
      .insertInto("jobs")
      .values({
        name,
        payload: JSON.stringify(payload),
        run_at: options.runAt ?? new Date(),
        unique_key: options.uniqueKey ?? null,
        max_attempts: options.maxAttempts ?? 3,
      })
      .onConflict((oc) => oc.column("unique_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    return row?.id;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    const r = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      progress: r.progress,
      progressMessage: r.progress_message,
      lastError: r.last_error,
      result: r.result,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    };
  }

  async recent(limit = 50): Promise<JobStatus[]> {
    const rows = await this.db
      .selectFrom("jobs")
      .select("id")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    const out: JobStatus[] = [];
    for (const r of rows) {
      const s = await this.status(r.id);
      if (s) out.push(s);
    }
    return out;
  }

  /** Enqueue due periodic jobs; one process wins each slot. */
  async schedule(): Promise<void> {
    for (const [name, every] of this.periodic) {
      await sql`INSERT INTO job_schedules (name, every_seconds, next_run_at) VALUES (${name}, ${every}, now())
        ON CONFLICT (name) DO UPDATE SET every_seconds = EXCLUDED.every_seconds`.execute(this.db);
      const won = await sql<{ slot: Date }>`UPDATE job_schedules
          SET next_run_at = now() + make_interval(secs => every_seconds)
          WHERE name = ${name} AND next_run_at <= now()
          RETURNING next_run_at AS slot`.execute(this.db);
      if (won.rows.length)
        await this.enqueue(
          name,
          {},
          { uniqueKey: `${name}@${won.rows[0].slot.toISOString()}`, maxAttempts: 1 },
        );
    }
  }

  /** Claims and runs one ready job. Returns false when there was none. */
  async runOne(): Promise<boolean> {
    await sql`UPDATE jobs SET status = 'queued', locked_by = NULL
      WHERE status = 'running' AND locked_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})`.execute(
      this.db,
    );
    const names = [...this.handlers.keys()];
    if (names.length === 0) return false;
    const claimed = await sql<{
      id: string;
      name: string;
      payload: Record<string, unknown>;
      attempts: number;
      max_attempts: number;
    }>`
      UPDATE jobs SET status = 'running', locked_by = ${this.workerId}, locked_at = now(), attempts = attempts + 1
      WHERE id = (
        SELECT id FROM jobs WHERE status = 'queued' AND run_at <= now() AND name = ANY(${names})
        ORDER BY run_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id, name, payload, attempts, max_attempts`.execute(this.db);
    const job = claimed.rows[0];
    if (!job) return false;
    const handler = this.handlers.get(job.name) as JobHandler;
    const progress: ProgressReporter = async (percent, message) => {
      await this.db
        .updateTable("jobs")
        .set({
          progress: Math.max(0, Math.min(100, Math.round(percent))),
          progress_message: message ?? null,
          locked_at: new Date(),
        })
        .where("id", "=", job.id)
        .execute();
    };
    try {
      const result = await handler(job.payload, progress);
      await this.db
        .updateTable("jobs")
        .set({
          status: "done",
          progress: 100,
          result: JSON.stringify(result ?? null),
          finished_at: new Date(),
          last_error: null,
        })
        .where("id", "=", job.id)
        .execute();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retry = job.attempts < job.max_attempts;
      this.log(`job ${job.name} #${job.id} failed${retry ? ", will retry" : ""}`, {
        error: message,
      });
      await this.db
        .updateTable("jobs")
        .set({
          status: retry ? "queued" : "failed",
          last_error: message.slice(0, 2000),
          run_at: new Date(Date.now() + 2 ** job.attempts * 5_000),
          finished_at: retry ? null : new Date(),
        })
        .where("id", "=", job.id)
        .execute();
    }
    return true;
  }

  /** Polls until stopped: schedules, then drains ready jobs. */
  start(pollMs = 1000): void {
    this.stopped = false;
    const tick = async () => {
      if (this.running || this.stopped) return;
      this.running = true;
      try {
        await this.schedule();
        while (!this.stopped && (await this.runOne())) {}
      } catch (err) {
        this.log("job worker error", { error: err instanceof Error ? err.message : String(err) });
      } finally {
        this.running = false;
        if (!this.stopped) this.timer = setTimeout(tick, pollMs);
      }
    };
    this.timer = setTimeout(tick, 50);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }
}
