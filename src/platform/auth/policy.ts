import type { Role } from "./roles.ts";

/**
 * Who may use a route. Every route declares one in `config.policy`; the app refuses to register
 * a route without one, and the request hook in web/policy-hook.ts enforces it.
 */
export type Policy =
  | { kind: "public" }
  | { kind: "signed-in" }
  | { kind: "roles"; roles: readonly Role[] };

export const publicAccess: Policy = { kind: "public" };
export const signedIn: Policy = { kind: "signed-in" };
export function anyRole(...roles: Role[]): Policy {
  return { kind: "roles", roles };
}
export const adminOnly = anyRole("administrator");

export interface Principal {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
}

/** Administrators may do anything a role allows. */
export function allows(
  policy: Policy,
  user: Principal | undefined,
): "allow" | "sign-in" | "forbidden" {
  if (policy.kind === "public") return "allow";
  if (!user) return "sign-in";
  if (policy.kind === "signed-in") return "allow";
  if (user.roles.includes("administrator")) return "allow";
  return policy.roles.some((r) => user.roles.includes(r)) ? "allow" : "forbidden";
}

export function hasRole(user: Principal | undefined, ...roles: Role[]): boolean {
  return (
    !!user && (user.roles.includes("administrator") || roles.some((r) => user.roles.includes(r)))
  );
}
