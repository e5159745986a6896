import type { Dataset } from "./opendata-service.ts";
import { slugify } from "./opendata-service.ts";
import { FREQUENCIES, LICENCES, shownFormat } from "./vocabulary.ts";

/**
 * Search over the published catalogue held in memory (thousands of datasets are a few megabytes), with the
 * facets the public pages and CKAN's package_search share. Solr-style `fq` filters are understood for the
 * fields CKAN clients use: organization, tags, groups, res_format, license_id, frequency, name.
 */
export const FACETS = {
  groups: "Theme",
  organization: "Service",
  res_format: "Format",
  license_id: "Licence",
  frequency: "Update frequency",
} as const;
export type FacetField = keyof typeof FACETS;

type FilterField = FacetField | "tags" | "name" | "dataset_type" | "state" | "capacity" | "private";
type DateField = "metadata_modified" | "metadata_created";

export interface SearchParams {
  q?: string;
  filters?: Partial<Record<FilterField, string[]>>;
  /** `-field:value` terms: datasets with any of these values are left out. */
  excludes?: Partial<Record<FilterField, string[]>>;
  /** `metadata_modified:[2024-01-01T00:00:00Z TO *]`, as CKAN's harvester asks for changes since. */
  ranges?: { field: DateField; from?: string; to?: string }[];
  sort?: string;
  rows?: number;
  start?: number;
  facetFields?: string[];
  facetLimit?: number;
}

export interface SearchResult {
  count: number;
  results: Dataset[];
  facets: Record<string, Record<string, number>>;
  searchFacets: Record<
    string,
    { title: string; items: { name: string; display_name: string; count: number }[] }
  >;
}

function values(d: Dataset, field: string): string[] {
  switch (field) {
    case "groups":
      return d.themes.map(slugify);
    case "organization":
      return d.serviceAreaName ? [slugify(d.serviceAreaName)] : [];
    case "res_format":
      // As resources show it (presenters.ts): a link is CKAN's "HTML".
      return [...new Set(d.resources.map(shownFormat))];
    case "license_id":
      return [d.licence];
    case "frequency":
      return [d.frequency];
    case "tags":
      return d.keywords;
    case "name":
      return [d.slug];
    case "dataset_type":
      return ["dataset"];
    case "state":
      return ["active"];
    case "capacity":
      return ["public"];
    case "private":
      return ["false"];
    default:
      return [];
  }
}

function displayName(field: string, value: string, datasets: Dataset[]): string {
  if (field === "license_id") return LICENCES[value as keyof typeof LICENCES]?.title ?? value;
  if (field === "res_format" && value === "HTML") return "Web page (link)";
  if (field === "frequency") return FREQUENCIES[value as keyof typeof FREQUENCIES]?.label ?? value;
  if (field === "groups")
    return datasets.flatMap((d) => d.themes).find((t) => slugify(t) === value) ?? value;
  if (field === "organization")
    return (
      datasets.find((d) => d.serviceAreaName && slugify(d.serviceAreaName) === value)
        ?.serviceAreaName ?? value
    );
  return value;
}

const FILTER_FIELDS = [
  "groups",
  "organization",
  "res_format",
  "license_id",
  "frequency",
  "tags",
  "name",
  // What every published dataset here is, as CKAN clients and harvesters often ask (`+dataset_type:dataset`).
  "dataset_type",
  "state",
  "capacity",
  "private",
];

/** Fields searched as free text when a query names them (`title:budget`). */
const TEXT_FIELDS = ["text", "title", "notes"];

/** The sort keys package_search understands (CKAN's Solr field names), each asc or desc. */
export const SORT_KEYS = [
  "score",
  "metadata_modified",
  "metadata_created",
  "title_string",
  "name",
  "id",
];

/**
 * Reads the Solr terms CKAN clients send in `fq` (and in `q`): `organization:housing res_format:"CSV"
 * +tags:spend`, exclusions `-organization:x`, `a OR b` between values of one field, and date ranges
 * `metadata_modified:[2024-01-01T00:00:00Z TO *]`. Unknown fields are ignored. `rest` is what is left of
 * the text once the fielded terms are taken out (free text, for `q`).
 */
export function parseSolrQuery(text: string | undefined): {
  filters: NonNullable<SearchParams["filters"]>;
  excludes: NonNullable<SearchParams["excludes"]>;
  ranges: NonNullable<SearchParams["ranges"]>;
  rest: string;
} {
  const filters: NonNullable<SearchParams["filters"]> = {};
  const excludes: NonNullable<SearchParams["excludes"]> = {};
  const ranges: NonNullable<SearchParams["ranges"]> = [];
  if (!text) return { filters, excludes, ranges, rest: "" };
  const rest = text.replace(
    /([+-]?)(\w+):(?:\[\s*(\S+)\s+TO\s+(\S+?)\s*\]|"([^"]*)"|([^\s()]+))/g,
    (
      whole,
      sign: string,
      name: string,
      from?: string,
      to?: string,
      quoted?: string,
      bare?: string,
    ) => {
      if (from !== undefined && to !== undefined) {
        if (name === "metadata_modified" || name === "metadata_created")
          ranges.push({
            field: name,
            from: from === "*" ? undefined : from,
            to: to === "*" || to === "NOW" ? undefined : to,
          });
        return " ";
      }
      const field =
        name === "extras_frequency" ? "frequency" : name === "license" ? "license_id" : name;
      if (!FILTER_FIELDS.includes(field))
        return TEXT_FIELDS.includes(name) ? ` ${quoted ?? bare} ` : whole;
      const key = field as FilterField;
      const target = sign === "-" ? excludes : filters;
      target[key] = [...(target[key] ?? []), quoted ?? bare ?? ""];
      return " ";
    },
  );
  return { filters, excludes, ranges, rest: rest.replace(/\b(AND|OR)\b/g, " ").trim() };
}

/** Parses `organization:housing res_format:"CSV" +tags:spend` into filters; unknown fields are ignored. */
export function parseFq(fq: string | undefined): SearchParams["filters"] {
  return parseSolrQuery(fq).filters;
}

function haystack(d: Dataset): string {
  return [
    d.title,
    d.description,
    d.slug,
    d.serviceAreaName ?? "",
    ...d.keywords,
    ...d.themes,
    ...d.resources.map((r) => `${r.name} ${r.description}`),
  ]
    .join(" ")
    .toLowerCase();
}

const haystacks = new WeakMap<Dataset, string>();

export function searchCatalogue(datasets: Dataset[], params: SearchParams): SearchResult {
  const words = (params.q ?? "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}£\s-]/gu, " ")
    .split(/\s+/)
    .filter((w) => w && w !== "*:*" && w !== "and");
  const scored: { d: Dataset; score: number }[] = [];
  for (const d of datasets) {
    let text = haystacks.get(d);
    if (!text) {
      text = haystack(d);
      haystacks.set(d, text);
    }
    if (words.length && !words.every((w) => text.includes(w))) continue;
    let ok = true;
    for (const [field, wanted] of Object.entries(params.filters ?? {})) {
      if (!wanted?.length) continue;
      const have = values(d, field);
      if (!wanted.some((w) => have.includes(w))) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    for (const [field, unwanted] of Object.entries(params.excludes ?? {})) {
      const have = values(d, field);
      if (unwanted?.some((w) => have.includes(w))) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    for (const range of params.ranges ?? []) {
      const t = (range.field === "metadata_created" ? d.createdAt : d.updatedAt).getTime();
      const from = Date.parse(range.from ?? "");
      const to = Date.parse(range.to ?? "");
      if ((Number.isFinite(from) && t < from) || (Number.isFinite(to) && t > to)) ok = false;
    }
    if (!ok) continue;
    const title = d.title.toLowerCase();
    scored.push({ d, score: words.reduce((s, w) => s + (title.includes(w) ? 3 : 1), 0) });
  }
  const sort = (params.sort ?? (words.length ? "score desc" : "metadata_modified desc"))
    .split(",")[0]
    .trim()
    .toLowerCase();
  const [key, dir] = sort.split(/\s+/);
  const sign = dir === "asc" ? 1 : -1;
  const compare: Record<string, (a: (typeof scored)[0], b: (typeof scored)[0]) => number> = {
    score: (a, b) => sign * (a.score - b.score) || a.d.title.localeCompare(b.d.title),
    metadata_modified: (a, b) => sign * (a.d.updatedAt.getTime() - b.d.updatedAt.getTime()),
    metadata_created: (a, b) => sign * (a.d.createdAt.getTime() - b.d.createdAt.getTime()),
    title_string: (a, b) => sign * a.d.title.localeCompare(b.d.title),
    name: (a, b) => sign * a.d.slug.localeCompare(b.d.slug),
    id: (a, b) => sign * (a.d.id < b.d.id ? -1 : a.d.id > b.d.id ? 1 : 0),
  };
  scored.sort(compare[key] ?? compare.score);
  const facetFields = params.facetFields ?? Object.keys(FACETS);
  const facets: SearchResult["facets"] = {};
  const searchFacets: SearchResult["searchFacets"] = {};
  const matched = scored.map((s) => s.d);
  for (const field of facetFields) {
    const counts: Record<string, number> = {};
    for (const d of matched) for (const v of values(d, field)) counts[v] = (counts[v] ?? 0) + 1;
    const items = Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, params.facetLimit ?? 50);
    facets[field] = Object.fromEntries(items);
    searchFacets[field] = {
      title: FACETS[field as FacetField] ?? field,
      items: items.map(([name, count]) => ({
        name,
        display_name: displayName(field, name, matched),
        count,
      })),
    };
  }
  const start = Math.max(0, params.start ?? 0);
  const rows = Math.max(0, Math.min(params.rows ?? 10, 1000));
  return {
    count: matched.length,
    results: matched.slice(start, start + rows),
    facets,
    searchFacets,
  };
}
