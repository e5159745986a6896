import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ViewGlobals {
  serviceName: string;
  councilName: string;
}

/**
 * One Nunjucks environment: platform views, module views (by "module/views/name.njk") and GOV.UK Frontend's
 * macros. Templates compile once and are cached for the life of the process.
 */
export function createViews(
  globals: ViewGlobals,
  options: { watch?: boolean } = {},
): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [
      `${root}src/platform/web/views`,
      `${root}src/modules`,
      `${root}node_modules/govuk-frontend/dist`,
    ],
    { noCache: false, watch: options.watch ?? false },
  );
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  for (const [k, v] of Object.entries(globals)) env.addGlobal(k, v);
  env.addFilter("ukDate", (d: unknown) =>
    formatDate(d, { day: "numeric", month: "long", year: "numeric" }),
  );
  env.addFilter("ukDateTime", (d: unknown) =>
    formatDate(d, {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }),
  );
  env.addFilter("json", (v: unknown) => JSON.stringify(v, null, 2));
  return env;
}

function formatDate(d: unknown, opts: Intl.DateTimeFormatOptions): string {
  if (d === null || d === undefined || d === "") return "";
  const date = d instanceof Date ? d : new Date(String(d));
  if (Number.isNaN(date.getTime())) return String(d);
  return new Intl.DateTimeFormat("en-GB", { ...opts, timeZone: "Europe/London" }).format(date);
}
