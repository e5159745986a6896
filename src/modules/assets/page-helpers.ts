import type { FastifyRequest } from "fastify";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import type { Choices } from "./form-model.ts";

/** Owners, accounts and service areas for the select boxes of the register's forms. */
export async function loadChoices(services: Services): Promise<Choices> {
  const [users, areas] = await Promise.all([
    services.users.list(),
    services.organisation.serviceAreas(),
  ]);
  const active = users.filter((u) => !u.disabled);
  const option = (u: { id: string; displayName: string; jobTitle: string | null }) => ({
    value: u.id,
    text: u.jobTitle ? `${u.displayName} (${u.jobTitle})` : u.displayName,
  });
  return {
    users: active.map(option),
    owners: active.filter((u) => u.roles.includes("asset-owner")).map(option),
    serviceAreas: areas.map((a) => ({ value: a.id, text: a.name })),
  };
}

export function idParam(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

export function notFound(what: string): HttpError {
  return new HttpError(404, `No such ${what}.`);
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, message);
}

/** A query-string value as one trimmed string (repeated parameters keep the first). */
export function queryText(value: unknown, max = 200): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === "string" ? v.trim().slice(0, max) : "";
}

export function queryYesNo(value: unknown): boolean | undefined {
  const v = queryText(value);
  return v === "yes" ? true : v === "no" ? false : undefined;
}

export function queryPage(value: unknown): number {
  const n = Number.parseInt(queryText(value), 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 100_000) : 1;
}

/** A link to the same list with some query values changed. */
export function linkWith(
  path: string,
  query: Record<string, string>,
  changes: Record<string, string>,
) {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams(
    Object.entries(merged).filter(([, v]) => v !== "" && v !== undefined),
  ).toString();
  return params ? `${path}?${params}` : path;
}

export const yesNoItems = (selected: string, any = "Any") => [
  { value: "", text: any, selected: selected === "" },
  { value: "yes", text: "Yes", selected: selected === "yes" },
  { value: "no", text: "No", selected: selected === "no" },
];
