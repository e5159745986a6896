import type { Generated } from "kysely";

export interface ServiceAreasTable {
  id: Generated<string>;
  name: string;
  directorate: string | null;
  head_of_service: string | null;
  created_at: Generated<Date>;
}

export interface GovernanceRolesTable {
  role: string;
  holder_name: string;
  holder_title: string;
  user_id: string | null;
  updated_at: Generated<Date>;
}

declare module "../../platform/db/schema.ts" {
  interface Database {
    service_areas: ServiceAreasTable;
    governance_roles: GovernanceRolesTable;
  }
}
