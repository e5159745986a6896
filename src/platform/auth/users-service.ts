import type { AuditContext, AuditService } from "../audit/audit-service.ts";
import { diff } from "../audit/audit-service.ts";
import type { Db } from "../db/database.ts";
import { hashPassword, PASSWORD_MIN_LENGTH } from "./passwords.ts";
import { isRole, type Role } from "./roles.ts";

export interface UserSummary {
  id: string;
  email: string;
  displayName: string;
  jobTitle: string | null;
  roles: Role[];
  disabled: boolean;
  createdAt: Date;
}

export class UserInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface NewUser {
  email: string;
  displayName: string;
  jobTitle?: string | null;
  password: string;
  roles: string[];
}

/** What changing an account does to its sessions: end them, or refresh what they know of the person. */
export interface UserSessions {
  endAll(userId: string, reason: string): Promise<number>;
  forget(userId: string): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normaliseRoles(roles: string[]): Role[] {
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length) throw new UserInputError(`Unknown role: ${bad.join(", ")}`, "roles");
  return [...new Set<Role>(["staff", ...(roles as Role[])])];
}

type UserRow = {
  id: string;
  email: string;
  display_name: string;
  job_title: string | null;
  roles: string[];
  disabled_at: Date | null;
  created_at: Date;
};

function present(row: UserRow): UserSummary {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    jobTitle: row.job_title,
    roles: row.roles.filter(isRole),
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
  };
}

const COLUMNS = [
  "id",
  "email",
  "display_name",
  "job_title",
  "roles",
  "disabled_at",
  "created_at",
] as const;

/** Staff accounts: create, change roles, disable. Every change is audited in the same transaction. */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly userSessions: UserSessions,
  ) {}

  async create(ctx: AuditContext, input: NewUser): Promise<UserSummary> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email))
      throw new UserInputError(
        "Enter an email address in the correct format, like name@example.gov.uk",
        "email",
      );
    if (!input.displayName.trim())
      throw new UserInputError("Enter the person's full name", "displayName");
    if (input.password.length < PASSWORD_MIN_LENGTH)
      throw new UserInputError(
        `Password must be ${PASSWORD_MIN_LENGTH} characters or more`,
        "password",
      );
    const roles = normaliseRoles(input.roles);
    if (await this.findByEmail(email))
      throw new UserInputError("An account with this email address already exists", "email");
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("users")
        .values({
          email,
          display_name: input.displayName.trim(),
          job_title: input.jobTitle?.trim() || null,
          password_hash: passwordHash,
          roles,
          updated_at: new Date(),
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "user",
          entityId: row.id,
          summary: `Account created for ${row.display_name}`,
          changes: { email, displayName: row.display_name, jobTitle: row.job_title, roles },
        },
        trx,
      );
      return present(row);
    });
  }

  /** A page of accounts in name order, optionally matching `search` in the name or email. */
  async page(options: {
    search?: string;
    page?: number;
    pageSize?: number;
  }): Promise<{ users: UserSummary[]; hasMore: boolean }> {
    const size = Math.min(Math.max(options.pageSize ?? 20, 1), 200);
    const page = Math.max(options.page ?? 1, 1);
    let q = this.db.selectFrom("users").select(COLUMNS);
    const search = options.search?.trim();
    if (search) {
      const pattern = `%${search.replace(/[%_\\]/g, "\\$&")}%`;
      q = q.where((eb) =>
        eb.or([eb("display_name", "ilike", pattern), eb("email", "ilike", pattern)]),
      );
    }
    const rows = await q
      .orderBy("display_name")
      .orderBy("id")
      .limit(size + 1)
      .offset((page - 1) * size)
      .execute();
    return { users: rows.slice(0, size).map(present), hasMore: rows.length > size };
  }

  async list(): Promise<UserSummary[]> {
    const rows = await this.db
      .selectFrom("users")
      .select(COLUMNS)
      .orderBy("display_name")
      .execute();
    return rows.map(present);
  }

  async get(id: string): Promise<UserSummary | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.db
      .selectFrom("users")
      .select(COLUMNS)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && present(row);
  }

  async findByEmail(email: string): Promise<UserSummary | undefined> {
    const row = await this.db
      .selectFrom("users")
      .select(COLUMNS)
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.trim().toLowerCase()))
      .executeTakeFirst();
    return row && present(row);
  }

  /** For sign-in only: the stored hash never leaves the auth module. */
  async credentials(email: string) {
    return this.db
      .selectFrom("users")
      .select(["id", "password_hash", "disabled_at", "display_name"])
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.trim().toLowerCase()))
      .executeTakeFirst();
  }

  async update(
    ctx: AuditContext,
    id: string,
    changes: { displayName?: string; jobTitle?: string | null; roles?: string[] },
  ) {
    const before = await this.get(id);
    if (!before) throw new UserInputError("No such account", "id");
    const roles = changes.roles ? normaliseRoles(changes.roles) : before.roles;
    if (changes.displayName !== undefined && !changes.displayName.trim())
      throw new UserInputError("Enter the person's full name", "displayName");
    if (before.roles.includes("administrator") && !roles.includes("administrator"))
      await this.assertNotLastAdmin(id);
    const after = {
      displayName: changes.displayName?.trim() ?? before.displayName,
      jobTitle: changes.jobTitle === undefined ? before.jobTitle : changes.jobTitle?.trim() || null,
      roles,
    };
    const delta = diff(
      { displayName: before.displayName, jobTitle: before.jobTitle, roles: before.roles },
      after,
    );
    if (Object.keys(delta).length === 0) return before;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({
          display_name: after.displayName,
          job_title: after.jobTitle,
          roles,
          updated_at: new Date(),
        })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: delta.roles ? "role-change" : "update",
          entityType: "user",
          entityId: id,
          summary: delta.roles
            ? `Roles of ${after.displayName} changed`
            : `Account of ${after.displayName} updated`,
          changes: delta,
        },
        trx,
      );
    });
    this.userSessions.forget(id);
    return (await this.get(id)) as UserSummary;
  }

  async setDisabled(ctx: AuditContext, id: string, disabled: boolean): Promise<void> {
    const before = await this.get(id);
    if (!before) throw new UserInputError("No such account", "id");
    if (before.disabled === disabled) return;
    if (disabled && before.roles.includes("administrator")) await this.assertNotLastAdmin(id);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ disabled_at: disabled ? new Date() : null, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: disabled ? "disable" : "enable",
          entityType: "user",
          entityId: id,
          summary: `Account of ${before.displayName} ${disabled ? "disabled" : "enabled"}`,
          changes: { disabled: { from: !disabled, to: disabled } },
        },
        trx,
      );
    });
    this.userSessions.forget(id);
    if (disabled) await this.userSessions.endAll(id, "account disabled");
  }

  async setPassword(ctx: AuditContext, id: string, password: string): Promise<void> {
    if (password.length < PASSWORD_MIN_LENGTH)
      throw new UserInputError(
        `Password must be ${PASSWORD_MIN_LENGTH} characters or more`,
        "password",
      );
    const user = await this.get(id);
    if (!user) throw new UserInputError("No such account", "id");
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ password_hash: passwordHash, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "password-change",
          entityType: "user",
          entityId: id,
          summary: `Password of ${user.displayName} changed`,
        },
        trx,
      );
    });
    await this.userSessions.endAll(id, "password changed");
  }

  private async assertNotLastAdmin(id: string) {
    const admins = await this.db
      .selectFrom("users")
      .select("id")
      .where("disabled_at", "is", null)
      .where((eb) => eb(eb.val("administrator"), "=", eb.fn.any("roles")))
      .execute();
    if (admins.length === 1 && admins[0].id === id)
      throw new UserInputError(
        "This is the only active administrator: make someone else an administrator first",
        "roles",
      );
  }
}
