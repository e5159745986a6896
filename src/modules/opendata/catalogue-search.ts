import type { Dataset } from "./opendata-service.ts";
import { slugify } from "./opendata-service.ts";
import { FREQUENCIES, LICENCES } from "./vocabulary.ts";

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

export interface SearchParams {
  q?: string;
  filters?: Partial<Record<FacetField | "tags" | "name", string[]>>;
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
      return [...new Set(d.resources.map((r) => r.format))];
    case "license_id":
      return [d.licence];
    case "frequency":
      return [d.frequency];
    case "tags":
      return d.keywords;
    case "name":
      return [d.slug];
    default:
      return [];
  }
}

function displayName(field: string, value: string, datasets: Dataset[]): string {
  if (field === "license_id") return LICENCES[value as keyof typeof LICENCES]?.title ?? value;
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

/** Parses `organization:housing res_format:"CSV" +tags:spend` into filters; unknown fields are ignored. */
export function parseFq(fq: string | undefined): SearchParams["filters"] {
  const filters: NonNullable<SearchParams["filters"]> = {};
  if (!fq) return filters;
  for (const m of fq.matchAll(/\+?(\w+):(?:"([^"]*)"|(\S+))/g)) {
    const field =
      m[1] === "extras_frequency" ? "frequency" : m[1] === "license" ? "license_id" : m[1];
    if (
      !["groups", "organization", "res_format", "license_id", "frequency", "tags", "name"].includes(
        field,
      )
    )
      continue;
    const key = field as FacetField;
    filters[key] = [...(filters[key] ?? []), m[2] ?? m[3]];
  }
  return filters;
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
