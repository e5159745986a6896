import { allows, anyRole, type Policy, type Principal, signedIn } from "../auth/policy.ts";

export interface NavItem {
  text: string;
  href: string;
  policy: Policy;
}

/** The platform's own items: the dashboard first, administration last; modules' items go between. */
export const dashboardNavigation: NavItem[] = [
  { text: "Dashboard", href: "/staff", policy: signedIn },
];

export const administrationNavigation: NavItem[] = [
  { text: "Organisation", href: "/staff/organisation", policy: signedIn },
  { text: "Users", href: "/admin/users", policy: anyRole("administrator") },
  { text: "Audit trail", href: "/admin/audit", policy: anyRole("administrator", "dpo") },
  { text: "Mail outbox", href: "/admin/outbox", policy: anyRole("administrator") },
  { text: "Jobs", href: "/admin/jobs", policy: anyRole("administrator") },
];

/** The service navigation a person sees: only the areas their roles open, the current one marked. */
export function navigationFor(
  items: readonly NavItem[],
  user: Principal | undefined,
  currentPath: string,
) {
  if (!user) {
    return [{ text: "Sign in", href: "/sign-in", active: currentPath === "/sign-in" }];
  }
  return items
    .filter((i) => allows(i.policy, user) === "allow")
    .map((i) => ({
      text: i.text,
      href: i.href,
      active:
        currentPath === i.href || (i.href !== "/staff" && currentPath.startsWith(`${i.href}/`)),
    }));
}
