import { sql } from "kysely";
import type { Db, DbOrTrx } from "../db/database.ts";
import { chainHash, GENESIS_HASH } from "./hash-chain.ts";

/** Who did it and from where; built once per request (or per CLI run / job). */
export interface AuditContext {
  actorId: string | null;
  actorLabel: string;
  requestId?: string | null;
  clientIp?: string | null;
}

export interface AuditEntry {
  action: string; // e.g. "create", "update", "delete", "view", "sign-in", "sign-in-failed"
  entityType: string;
  entityId?: string | null;
  summary?: string;
  /** For updates: { field: { from, to } }; for creates: the new values. Never passwords or tokens. */
  changes?: Record<string, unknown> | null;
}

export const systemActor: AuditContext = { actorId: null, actorLabel: "system" };

/** Field-by-field difference between two versions of a record, for `changes`. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = { from: a ?? null, to: b ?? null };
  }
  return out;
}

export class AuditService {
  constructor(private readonly db: Db) {}

  /**
   * Appends one event. Pass the transaction that makes the change, so the change and its record
   * commit together. The table lock serialises writers so the chain has no forks, across processes.
   */
  async record(ctx: AuditContext, entry: AuditEntry, trx?: DbOrTrx): Promise<void> {
    const write = async (t: DbOrTrx) => {
      await sql`LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE`.execute(t);
      const last = await t
        .selectFrom("audit_events")
        .select(["hash"])
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      const prevHash = last?.hash ?? GENESIS_HASH;
      // Millisecond precision, as JS Dates carry, so the stored value hashes the same when read back.
      const occurredAt = new Date(Math.floor(Date.now()));
      const fields = {
        occurredAt,
        actorId: ctx.actorId,
        actorLabel: ctx.actorLabel,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId ?? null,
        summary: entry.summary ?? null,
        changes: entry.changes ?? null,
        requestId: ctx.requestId ?? null,
        clientIp: ctx.clientIp ?? null,
      };
      await t
        .insertInto("audit_events")
        .values({
          occurred_at: occurredAt,
          actor_id: fields.actorId,
          actor_label: fields.actorLabel,
          action: fields.action,
          entity_type: fields.entityType,
          entity_id: fields.entityId,
          summary: fields.summary,
          changes: fields.changes === null ? null : JSON.stringify(fields.changes),
          request_id: fields.requestId,
          client_ip: fields.clientIp,
          prev_hash: prevHash,
          hash: chainHash(prevHash, fields),
        })
        .execute();
    };
    if (trx?.isTransaction) await write(trx);
    else await (trx ?? this.db).transaction().execute(write);
  }

  /** Newest first, a page at a time. `actor` matches the actor's name (contains) or id. */
  async search(filter: AuditSearch): Promise<{ events: AuditEvent[]; hasMore: boolean }> {
    const limit = Math.min(Math.max(filter.limit ?? 20, 1), 500);
    const page = Math.max(filter.page ?? 1, 1);
    let q = this.db.selectFrom("audit_events");
    if (filter.actor) {
      const actor = filter.actor;
      q = /^[0-9a-f-]{36}$/i.test(actor)
        ? q.where("actor_id", "=", actor)
        : q.where("actor_label", "ilike", `%${actor.replace(/[%_\\]/g, "\\$&")}%`);
    }
    if (filter.entityType) q = q.where("entity_type", "=", filter.entityType);
    if (filter.entityId) q = q.where("entity_id", "=", filter.entityId);
    if (filter.action) q = q.where("action", "=", filter.action);
    if (filter.from) q = q.where("occurred_at", ">=", filter.from);
    if (filter.to) q = q.where("occurred_at", "<", filter.to);
    // One row more than asked tells whether there is a next page, without counting a trail that only grows.
    const found = await q
      .selectAll()
      .orderBy("id", "desc")
      .limit(limit + 1)
      .offset((page - 1) * limit)
      .execute();
    const rows = found.slice(0, limit);
    return {
      hasMore: found.length > limit,
      events: rows.map((r) => ({
        id: r.id,
        occurredAt: r.occurred_at,
        actorId: r.actor_id,
        actorLabel: r.actor_label,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        summary: r.summary,
        changes: r.changes,
        requestId: r.request_id,
        clientIp: r.client_ip,
      })),
    };
  }

  async actions(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("audit_events")
      .select("action")
      .distinct()
      .orderBy("action")
      .execute();
    return rows.map((r) => r.action);
  }

  /** Walks the whole chain in id order; names the first entry whose hash or link does not hold. */
  async verify(onProgress?: (checked: number, total: number) => void): Promise<VerifyResult> {
    const { count } = await this.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    const total = Number(count);
    let prevHash = GENESIS_HASH;
    let lastId = "0";
    let checked = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom("audit_events")
        .selectAll()
        .where(sql`id`, ">", sql`${lastId}::bigint`)
        .orderBy("id")
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const expected = chainHash(prevHash, {
          occurredAt: row.occurred_at,
          actorId: row.actor_id,
          actorLabel: row.actor_label,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          summary: row.summary,
          changes: row.changes,
          requestId: row.request_id,
          clientIp: row.client_ip,
        });
        if (row.prev_hash !== prevHash) {
          return {
            ok: false,
            checked,
            total,
            brokenId: row.id,
            reason: "does not link to the entry before it (an entry was removed or inserted)",
          };
        }
        if (row.hash !== expected) {
          return {
            ok: false,
            checked,
            total,
            brokenId: row.id,
            reason: "its content no longer matches its hash (it was altered)",
          };
        }
        prevHash = row.hash;
        lastId = row.id;
        checked++;
      }
      onProgress?.(checked, total);
    }
    return { ok: true, checked, total };
  }
}

export interface AuditSearch {
  actor?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  page?: number;
}

export interface AuditEvent {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string | null;
  changes: Record<string, unknown> | null;
  requestId: string | null;
  clientIp: string | null;
}

export type VerifyResult =
  | { ok: true; checked: number; total: number }
  | { ok: false; checked: number; total: number; brokenId: string; reason: string };
