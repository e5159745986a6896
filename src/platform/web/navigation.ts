import { allows, anyRole, type Policy, type Principal, signedIn } from "../auth/policy.ts";

export interface NavItem {
  text: string;
  href: string;
  policy: Policy;
}

/** Items of the staff service navigation, in order. Modules add theirs with `addNavigation`. */
const items: NavItem[] = [
  { text: "Dashboard", href: "/staff", policy: signedIn },
  { text: "Organisation", href: "/staff/organisation", policy: signedIn },
  { text: "Users", href: "/admin/users", policy: anyRole("administrator") },
  { text: "Audit trail", href: "/admin/audit", policy: anyRole("administrator", "dpo") },
  { text: "Mail outbox", href: "/admin/outbox", policy: anyRole("administrator") },
  { text: "Jobs", href: "/admin/jobs", policy: anyRole("administrator") },
];

export function addNavigation(item: NavItem, before?: string): void {
  const at = before ? items.findIndex((i) => i.href === before) : -1;
  if (at >= 0) items.splice(at, 0, item);
  else items.push(item);
}

export function navigationFor(user: Principal | undefined, currentPath: string) {
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

export function allNavigation(): readonly NavItem[] {
  return items;
}
