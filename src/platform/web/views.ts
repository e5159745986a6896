import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";
import "./template-cache.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ViewGlobals {
  serviceName: string;
  councilName: string;
  /** The database holds the fictional demo council: every page says so. */
  demoData: boolean;
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
  // Intl formatters are costly to build: make each once.
  const ukDate = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/London",
  });
  const ukDateTime = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/London",
  });
  env.addFilter("ukDate", (d: unknown) => formatDate(d, ukDate));
  env.addFilter("ukDateTime", (d: unknown) => formatDate(d, ukDateTime));
  env.addFilter("json", (v: unknown) => JSON.stringify(v, null, 2));
  return env;
}

function formatDate(d: unknown, format: Intl.DateTimeFormat): string {
  if (d === null || d === undefined || d === "") return "";
  const date = d instanceof Date ? d : new Date(String(d));
  if (Number.isNaN(date.getTime())) return String(d);
  return format.format(date);
}
