import { sql } from "kysely";
import type { AuditContext, AuditService } from "../audit/audit-service.ts";
import type { Db } from "../db/database.ts";
import type { Principal } from "./policy.ts";
import { isRole } from "./roles.ts";
import { newSecret, sha256 } from "./tokens.ts";

export interface SessionLimits {
  idleMinutes: number;
  maxHours: number;
  /** Seconds a resolved session is reused without reading the database (0: never). Revocation in another process takes up to this long. */
  cacheSeconds: number;
}

interface CachedSession {
  session: ActiveSession;
  lastSeenAt: number;
  expiresAt: number;
}

export interface ActiveSession {
  sessionId: string;
  csrfToken: string;
  user: Principal;
}

export interface SessionListing {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  clientIp: string | null;
  userAgent: string | null;
}

/** Only write last_seen_at when it is this stale: one write a minute, not one per request. */
const TOUCH_AFTER_MS = 60_000;

/** Sessions live in the database so any of them can be revoked at once, by the user or an administrator. */
export class SessionsService {
  private readonly cache = new Map<string, { entry: CachedSession; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly limits: SessionLimits,
  ) {}

  async start(
    userId: string,
    clientIp: string | null,
    userAgent: string | null,
  ): Promise<{ cookieValue: string; csrfToken: string }> {
    const cookieValue = newSecret();
    const csrfToken = newSecret(24);
    const now = Date.now();
    await this.db
      .insertInto("sessions")
      .values({
        id: sha256(cookieValue),
        user_id: userId,
        csrf_token: csrfToken,
        last_seen_at: new Date(now),
        expires_at: new Date(now + this.limits.maxHours * 3_600_000),
        client_ip: clientIp,
        user_agent: userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return { cookieValue, csrfToken };
  }

  /** The signed-in user for a cookie, or undefined when the session is unknown, revoked, idle or expired. */
  async resolve(cookieValue: string): Promise<ActiveSession | undefined> {
    const id = sha256(cookieValue);
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && cached.until > now)
      return this.stillValid(cached.entry, now) ? cached.entry.session : undefined;
    const entry = await this.load(id);
    if (!entry) return undefined;
    if (this.limits.cacheSeconds > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(id, { entry, until: now + this.limits.cacheSeconds * 1000 });
    }
    return this.stillValid(entry, now) ? entry.session : undefined;
  }

  private stillValid(entry: CachedSession, now: number): boolean {
    return entry.expiresAt > now && now - entry.lastSeenAt <= this.limits.idleMinutes * 60_000;
  }

  /** Forget cached sessions (all, or one person's) so a change to them takes effect at once in this process. */
  forget(userId?: string): void {
    if (!userId) {
      this.cache.clear();
      return;
    }
    for (const [id, c] of this.cache) if (c.entry.session.user.id === userId) this.cache.delete(id);
  }

  private async load(id: string): Promise<CachedSession | undefined> {
    const row = await this.db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .select([
        "s.id",
        "s.csrf_token",
        "s.last_seen_at",
        "s.expires_at",
        "s.revoked_at",
        "u.id as user_id",
        "u.email",
        "u.display_name",
        "u.roles",
        "u.disabled_at",
      ])
      .where("s.id", "=", id)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled_at) return undefined;
    const now = Date.now();
    let lastSeenAt = row.last_seen_at.getTime();
    if (now - lastSeenAt > this.limits.idleMinutes * 60_000) return undefined;
    if (now - lastSeenAt > TOUCH_AFTER_MS && row.expires_at.getTime() > now) {
      lastSeenAt = now;
      await this.db
        .updateTable("sessions")
        .set({ last_seen_at: new Date(now) })
        .where("id", "=", id)
        .execute();
    }
    return {
      lastSeenAt,
      expiresAt: row.expires_at.getTime(),
      session: {
        sessionId: row.id,
        csrfToken: row.csrf_token,
        user: {
          id: row.user_id,
          email: row.email,
          displayName: row.display_name,
          roles: row.roles.filter(isRole),
        },
      },
    };
  }

  async listActive(userId: string): Promise<SessionListing[]> {
    const idleCutoff = new Date(Date.now() - this.limits.idleMinutes * 60_000);
    const rows = await this.db
      .selectFrom("sessions")
      .select(["id", "created_at", "last_seen_at", "client_ip", "user_agent"])
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", new Date())
      .where("last_seen_at", ">", idleCutoff)
      .orderBy("last_seen_at", "desc")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      clientIp: r.client_ip,
      userAgent: r.user_agent,
    }));
  }

  async revoke(ctx: AuditContext, sessionId: string, reason: string): Promise<void> {
    this.cache.delete(sessionId);
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("sessions")
        .set({ revoked_at: new Date(), revoked_reason: reason })
        .where("id", "=", sessionId)
        .where("revoked_at", "is", null)
        .returning(["user_id"])
        .executeTakeFirst();
      if (row)
        await this.audit.record(
          ctx,
          {
            action: reason === "signed out" ? "sign-out" : "session-revoke",
            entityType: "user",
            entityId: row.user_id,
            summary: `Session ended: ${reason}`,
          },
          trx,
        );
    });
  }

  async revokeAll(ctx: AuditContext, userId: string, reason: string): Promise<number> {
    this.forget(userId);
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable("sessions")
        .set({ revoked_at: new Date(), revoked_reason: reason })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .returning(["id"])
        .execute();
      if (rows.length)
        await this.audit.record(
          ctx,
          {
            action: "session-revoke-all",
            entityType: "user",
            entityId: userId,
            summary: `${rows.length} session(s) ended: ${reason}`,
          },
          trx,
        );
      return rows.length;
    });
  }

  /** Housekeeping job: forget sessions that ended more than a week ago. */
  async purgeEnded(): Promise<number> {
    const res =
      await sql`DELETE FROM sessions WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`.execute(
        this.db,
      );
    return Number(res.numAffectedRows ?? 0);
  }
}
