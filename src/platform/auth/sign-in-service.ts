import type { AuditContext, AuditService } from "../audit/audit-service.ts";
import type { Db } from "../db/database.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { SessionsService } from "./sessions-service.ts";
import type { UsersService } from "./users-service.ts";

/** Failures allowed in the window before an account, or an address, must wait. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 20 };

export type SignInResult =
  | { ok: true; cookieValue: string; csrfToken: string; userId: string }
  | { ok: false; reason: "invalid" | "throttled" };

// A real hash of a random password, so an unknown email costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;
function timingDecoy(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

export class SignInService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  private async recentFailures(email: string, clientIp: string) {
    const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
    const row = await this.db
      .selectFrom("sign_in_attempts")
      .select((eb) => [
        eb.fn
          .countAll<string>()
          .filterWhere(eb(eb.fn("lower", ["email"]), "=", email))
          .as("account"),
        eb.fn.countAll<string>().filterWhere("client_ip", "=", clientIp).as("address"),
      ])
      .where("succeeded", "=", false)
      .where("at", ">", since)
      .where((eb) =>
        eb.or([eb(eb.fn("lower", ["email"]), "=", email), eb("client_ip", "=", clientIp)]),
      )
      .executeTakeFirstOrThrow();
    return { account: Number(row.account), address: Number(row.address) };
  }

  async signIn(
    emailInput: string,
    password: string,
    clientIp: string,
    userAgent: string | null,
    requestId: string,
  ): Promise<SignInResult> {
    const email = emailInput.trim().toLowerCase();
    const failures = await this.recentFailures(email, clientIp);
    const ctx: AuditContext = { actorId: null, actorLabel: email, requestId, clientIp };
    if (failures.account >= THROTTLE.perAccount || failures.address >= THROTTLE.perAddress) {
      await this.audit.record(ctx, {
        action: "sign-in-throttled",
        entityType: "user",
        summary: "Sign-in refused: too many failed attempts",
      });
      return { ok: false, reason: "throttled" };
    }
    const account = await this.users.credentials(email);
    const passwordOk = await verifyPassword(
      account?.password_hash ?? (await timingDecoy()),
      password,
    );
    const ok = !!account && passwordOk && !account.disabled_at;
    await this.db
      .insertInto("sign_in_attempts")
      .values({ email, client_ip: clientIp, succeeded: ok })
      .execute();
    if (!ok || !account) {
      await this.audit.record(ctx, {
        action: "sign-in-failed",
        entityType: "user",
        entityId: account?.id ?? null,
        summary: account?.disabled_at ? "Sign-in failed: account disabled" : "Sign-in failed",
      });
      return { ok: false, reason: "invalid" };
    }
    const session = await this.sessions.start(account.id, clientIp, userAgent);
    await this.audit.record(
      { ...ctx, actorId: account.id, actorLabel: account.display_name },
      { action: "sign-in", entityType: "user", entityId: account.id, summary: "Signed in" },
    );
    return { ok: true, ...session, userId: account.id };
  }
}
