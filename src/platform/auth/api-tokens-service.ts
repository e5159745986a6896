import type { AuditContext, AuditService } from "../audit/audit-service.ts";
import type { Db } from "../db/database.ts";
import type { Principal } from "./policy.ts";
import { isRole } from "./roles.ts";
import { newSecret, sha256 } from "./tokens.ts";

export interface ApiTokenListing {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/**
 * Personal API tokens: shown once, stored as SHA-256, carry their owner's roles (so a role removed
 * from the person is removed from the token), revocable.
 */
export class ApiTokensService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async create(
    ctx: AuditContext,
    userId: string,
    name: string,
    expiresInDays: number | null,
  ): Promise<{ token: string; id: string }> {
    const token = `stw_${newSecret(30)}`;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("api_tokens")
        .values({
          user_id: userId,
          name,
          token_hash: sha256(token),
          token_prefix: token.slice(0, 10),
          expires_at: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "api-token",
          entityId: row.id,
          summary: `API token "${name}" created`,
          changes: { name, expiresInDays },
        },
        trx,
      );
      return { token, id: row.id };
    });
  }

  async list(userId: string): Promise<ApiTokenListing[]> {
    const rows = await this.db
      .selectFrom("api_tokens")
      .select(["id", "name", "token_prefix", "created_at", "last_used_at", "expires_at"])
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .orderBy("created_at", "desc")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.token_prefix,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }));
  }

  async revoke(ctx: AuditContext, userId: string, tokenId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("api_tokens")
        .set({ revoked_at: new Date() })
        .where("id", "=", tokenId)
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .returning(["name"])
        .executeTakeFirst();
      if (row)
        await this.audit.record(
          ctx,
          {
            action: "revoke",
            entityType: "api-token",
            entityId: tokenId,
            summary: `API token "${row.name}" revoked`,
          },
          trx,
        );
      return !!row;
    });
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith("stw_")) return undefined;
    const row = await this.db
      .selectFrom("api_tokens as t")
      .innerJoin("users as u", "u.id", "t.user_id")
      .select([
        "t.id",
        "t.expires_at",
        "t.revoked_at",
        "t.last_used_at",
        "u.id as user_id",
        "u.email",
        "u.display_name",
        "u.roles",
        "u.disabled_at",
      ])
      .where("t.token_hash", "=", sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at || row.disabled_at) return undefined;
    if (row.expires_at && row.expires_at.getTime() < Date.now()) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)
      await this.db
        .updateTable("api_tokens")
        .set({ last_used_at: new Date() })
        .where("id", "=", row.id)
        .execute();
    return {
      id: row.user_id,
      email: row.email,
      displayName: row.display_name,
      roles: row.roles.filter(isRole),
    };
  }
}
