import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { diff } from "../../platform/audit/audit-service.ts";
import type { Db, DbOrTrx } from "../../platform/db/database.ts";

export const GOVERNANCE_ROLES = {
  siro: "Senior Information Risk Owner (SIRO)",
  dpo: "Data Protection Officer (DPO)",
  "caldicott-guardian": "Caldicott Guardian",
  "chief-privacy-officer": "Chief Privacy Officer",
  "ig-lead": "Information governance lead",
} as const;
export type GovernanceRole = keyof typeof GOVERNANCE_ROLES;

export interface ServiceArea {
  id: string;
  name: string;
  directorate: string | null;
  headOfService: string | null;
}

export interface GovernanceRoleHolder {
  role: GovernanceRole;
  roleLabel: string;
  holderName: string;
  holderTitle: string;
  userId: string | null;
}

/** The council's service areas and statutory role holders; other modules read them through this service. */
export class OrganisationService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async serviceAreas(): Promise<ServiceArea[]> {
    const rows = await this.db.selectFrom("service_areas").selectAll().orderBy("name").execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      directorate: r.directorate,
      headOfService: r.head_of_service,
    }));
  }

  /** Adds a service area; inside another service's transaction when given `trx` (a spreadsheet import). */
  async addServiceArea(
    ctx: AuditContext,
    area: Omit<ServiceArea, "id">,
    within?: DbOrTrx,
  ): Promise<ServiceArea> {
    const run = async (trx: DbOrTrx) => {
      const row = await trx
        .insertInto("service_areas")
        .values({
          name: area.name,
          directorate: area.directorate,
          head_of_service: area.headOfService,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "service-area",
          entityId: row.id,
          summary: `Service area ${row.name} added`,
          changes: { ...area },
        },
        trx,
      );
      return {
        id: row.id,
        name: row.name,
        directorate: row.directorate,
        headOfService: row.head_of_service,
      };
    };
    if (within) return run(within);
    return this.db.transaction().execute(run);
  }

  async governanceRoles(): Promise<GovernanceRoleHolder[]> {
    const rows = await this.db.selectFrom("governance_roles").selectAll().execute();
    const order = Object.keys(GOVERNANCE_ROLES);
    return rows
      .map((r) => ({
        role: r.role as GovernanceRole,
        roleLabel: GOVERNANCE_ROLES[r.role as GovernanceRole],
        holderName: r.holder_name,
        holderTitle: r.holder_title,
        userId: r.user_id,
      }))
      .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  }

  async setGovernanceRole(
    ctx: AuditContext,
    role: GovernanceRole,
    holder: { holderName: string; holderTitle: string; userId: string | null },
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom("governance_roles")
        .selectAll()
        .where("role", "=", role)
        .executeTakeFirst();
      await trx
        .insertInto("governance_roles")
        .values({
          role,
          holder_name: holder.holderName,
          holder_title: holder.holderTitle,
          user_id: holder.userId,
        })
        .onConflict((oc) =>
          oc.column("role").doUpdateSet({
            holder_name: holder.holderName,
            holder_title: holder.holderTitle,
            user_id: holder.userId,
            updated_at: new Date(),
          }),
        )
        .execute();
      await this.audit.record(
        ctx,
        {
          action: before ? "update" : "create",
          entityType: "governance-role",
          entityId: role,
          summary: `${GOVERNANCE_ROLES[role]}: ${holder.holderName}`,
          changes: diff(
            before
              ? {
                  holderName: before.holder_name,
                  holderTitle: before.holder_title,
                  userId: before.user_id,
                }
              : {},
            holder,
          ),
        },
        trx,
      );
    });
  }
}
