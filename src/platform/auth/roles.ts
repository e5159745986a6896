/** The roles a member of staff can hold. Everyone with an account is at least `staff`. */
export const ROLES = {
  administrator: "Administrator",
  dpo: "Data Protection Officer",
  siro: "Senior Information Risk Owner",
  "ig-officer": "Information governance officer",
  caseworker: "Caseworker",
  "asset-owner": "Information asset owner",
  analyst: "Analyst",
  staff: "Staff",
} as const;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return value in ROLES;
}

export function roleLabel(role: string): string {
  return isRole(role) ? ROLES[role] : role;
}
