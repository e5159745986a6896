import { anyRole } from "../../platform/auth/policy.ts";

/** The information-governance team: IG officers, the DPO and the SIRO (administrators too). */
export const igTeam = anyRole("ig-officer", "dpo", "siro");
