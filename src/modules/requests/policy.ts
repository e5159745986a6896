import { anyRole, hasRole, type Principal } from "../../platform/auth/policy.ts";
import type { CaseSummary } from "./cases/cases-service.ts";
import { SENSITIVE_TYPES } from "./cases/vocabulary.ts";

/** Those who work information requests. */
export const caseworkers = anyRole("caseworker", "ig-officer", "dpo");
/** The information-governance team: themes, reports, templates. */
export const igTeam = anyRole("ig-officer", "dpo", "analyst");

/**
 * Requesters' personal data is for those working the case: the caseworker assigned, IG officers
 * and the DPO (administrators may do anything a role allows).
 */
export function canSeePersonalData(
  user: Principal | undefined,
  record: Pick<CaseSummary, "assignedTo">,
): boolean {
  return !!user && (hasRole(user, "ig-officer", "dpo") || record.assignedTo === user.id);
}

/** SAR and police cases are personal data through and through: only those working them may open them. */
export function canOpenCase(
  user: Principal | undefined,
  record: Pick<CaseSummary, "assignedTo" | "type">,
): boolean {
  if (SENSITIVE_TYPES.includes(record.type)) return canSeePersonalData(user, record);
  return hasRole(user, "caseworker", "ig-officer", "dpo");
}

/** Changing a case: whoever works it; an unassigned case can be picked up by any caseworker. */
export function canWorkCase(
  user: Principal | undefined,
  record: Pick<CaseSummary, "assignedTo" | "type">,
): boolean {
  return canSeePersonalData(user, record);
}
