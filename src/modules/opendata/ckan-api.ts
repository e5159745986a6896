import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { parseSolrQuery, SORT_KEYS, searchCatalogue } from "./catalogue-search.ts";
import { DatastoreError, MAX_ROWS } from "./datastore.ts";
import { baseUrl, publicRateLimit, sendCached } from "./http-cache.ts";
import type { Dataset, Resource } from "./opendata-service.ts";
import { ckanOrganization, ckanPackage, ckanResource, isQueryable } from "./presenters.ts";
import { LICENCES } from "./vocabulary.ts";

/**
 * A CKAN-compatible Action API (read-only) at /api/3/action/{name}, so CKAN clients, harvesters and
 * libraries (ckanapi, data.gov.uk's harvester) work unchanged. Answers use CKAN's envelope
 * `{help, success, result}`; errors `{help, success: false, error: {__type, message | field: [..]}}` with
 * CKAN's status codes (400 bad request, 404 not found, 409 validation).
 */
class ActionError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message ?? error.__type));
  }
}

const notFound = (what: string) =>
  new ActionError(404, { __type: "Not Found Error", message: `Not found: ${what}` });
const invalid = (field: string, message: string) =>
  new ActionError(409, { __type: "Validation Error", [field]: [message] });

type Params = Record<string, unknown>;

/** What `help_show` says of each action (CKAN returns the action's docstring). */
const ACTION_HELP: Record<string, string> = {
  status_show: "Return a dictionary with information about the site's configuration.",
  help_show:
    "Return the help string for a particular API action.\n\n:param name: Action name (e.g. 'package_create')",
  license_list: "Return the list of licenses available for datasets on the site.",
  package_list:
    "Return a list of the names of the site's datasets (packages).\n\n:param limit: if given, the list of datasets will be broken into pages of at most limit datasets per page\n:param offset: when limit is given, the offset to start returning packages from",
  package_show:
    "Return the metadata of a dataset (package) and its resources.\n\n:param id: the id or name of the dataset",
  package_search:
    "Searches for packages satisfying a given search criteria.\n\n:param q: the solr query\n:param fq: any filter queries to apply\n:param sort: sorting of the search results, e.g. 'metadata_modified desc'\n:param rows: the maximum number of matching rows (datasets) to return (up to 1000)\n:param start: the offset in the complete result for where the set of returned datasets should begin\n:param facet.field: the fields to facet upon, as a JSON list",
  organization_list:
    "Return a list of the names of the site's organizations.\n\n:param all_fields: return group dictionaries instead of just names",
  organization_show:
    "Return the details of an organization.\n\n:param id: the id or name of the organization",
  resource_show: "Return the metadata of a resource.\n\n:param id: the id of the resource",
  datastore_search:
    'Search a DataStore resource.\n\n:param resource_id: id of the resource to be searched against\n:param filters: matching conditions to select, e.g {"key1": "a", "key2": "b"}\n:param q: full text query\n:param fields: fields to return\n:param sort: comma separated field names with ordering, e.g. "fieldname1, fieldname2 desc"\n:param limit: maximum number of rows to return\n:param offset: offset this number of rows\n:param include_total: True to return total matching record count',
  datastore_search_sql:
    "Execute SQL queries on the DataStore (read-only, published resources only; each resource is a table named by its id).\n\n:param sql: a single SQL select statement",
};

function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === "") return undefined;
  return Array.isArray(v) ? String(v[0]) : typeof v === "object" ? JSON.stringify(v) : String(v);
}

function int(p: Params, key: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = str(p, key);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw invalid(key, "Invalid integer");
  return Math.min(Number(v), max);
}

function bool(p: Params, key: string, fallback: boolean): boolean {
  const v = str(p, key);
  if (v === undefined) return fallback;
  return ["true", "1", "yes", "True"].includes(v);
}

/** GET parameters arrive as strings; JSON-looking ones (filters, facet.field) are parsed as CKAN does. */
function json<T>(p: Params, key: string): T | undefined {
  const v = p[key];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string") return v as T;
  if (!/^\s*[[{]/.test(v)) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw invalid(key, "Cannot parse JSON");
  }
}

function findResource(
  catalogue: Dataset[],
  id: string | undefined,
): { dataset: Dataset; resource: Resource } {
  if (!id) throw invalid("resource_id", "Missing value");
  for (const dataset of catalogue)
    for (const resource of dataset.resources) if (resource.id === id) return { dataset, resource };
  throw notFound("Resource was not found.");
}

function toCsv(fields: string[], records: Record<string, unknown>[], sep: string): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return s.includes(sep) || /["\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return records.map((r) => fields.map((f) => q(r[f])).join(sep)).join("\n");
}

export async function ckanRoutes(app: FastifyInstance, services: Services) {
  const { opendata } = services;
  const council = services.config.COUNCIL_NAME;

  const actions: Record<string, (p: Params, base: string) => Promise<unknown>> = {
    async status_show(_p, base) {
      return {
        ckan_version: "2.10.4",
        site_title: `${council} open data`,
        site_url: base,
        site_description: "Open data published with Steward",
        locale_default: "en_GB",
        error_emails_to: null,
        extensions: ["datastore", "dcat", "steward"],
      };
    },
    async help_show(p) {
      const name = str(p, "name");
      if (!name) throw invalid("name", "Missing value");
      const doc = ACTION_HELP[name];
      if (!doc) throw notFound(`action ${name}`);
      return doc;
    },
    async license_list() {
      return Object.entries(LICENCES).map(([id, l]) => ({
        id,
        title: l.title,
        url: l.url,
        status: "active",
        od_conformance: "approved",
        osd_conformance: "not reviewed",
      }));
    },
    async package_list(p) {
      const limit = int(p, "limit", 1000, 1000);
      const offset = int(p, "offset", 0);
      return (await opendata.publishedCatalogue())
        .map((d) => d.slug)
        .sort()
        .slice(offset, offset + limit);
    },
    async package_show(p, base) {
      const id = str(p, "id") ?? str(p, "name");
      if (!id) throw invalid("id", "Missing value");
      const dataset = await opendata.getPublished(id);
      if (!dataset) throw notFound("Dataset not found");
      return ckanPackage(base, dataset, council);
    },
    async package_search(p, base) {
      const facetFields =
        json<string[]>(p, "facet.field") ??
        (str(p, "facet.field") ? [str(p, "facet.field") as string] : undefined);
      const rows = int(p, "rows", 10, 1000);
      const start = int(p, "start", 0);
      // Fielded terms may come in q as well as fq (`q=tags:spend`), as Solr allows.
      const fq = parseSolrQuery(str(p, "fq"));
      const q = parseSolrQuery(str(p, "q"));
      const merge = <T extends Record<string, string[] | undefined>>(a: T, b: T): T => {
        const out = { ...a } as Record<string, string[] | undefined>;
        for (const [k, v] of Object.entries(b)) out[k] = [...(out[k] ?? []), ...(v ?? [])];
        return out as T;
      };
      const facetLimit = str(p, "facet.limit") === "-1" ? 1000 : int(p, "facet.limit", 50, 1000);
      for (const part of (str(p, "sort") ?? "").split(",").filter((x) => x.trim())) {
        const [key, dir, extra] = part.trim().toLowerCase().split(/\s+/);
        if (!SORT_KEYS.includes(key) || (dir && !["asc", "desc"].includes(dir)) || extra)
          throw invalid(
            "sort",
            `Cannot sort by "${part.trim()}": use ${SORT_KEYS.join(", ")} with asc or desc`,
          );
      }
      const result = searchCatalogue(await opendata.publishedCatalogue(), {
        q: q.rest,
        filters: merge(fq.filters, q.filters),
        excludes: merge(fq.excludes, q.excludes),
        ranges: [...fq.ranges, ...q.ranges],
        sort: str(p, "sort"),
        rows,
        start,
        facetFields: bool(p, "facet", true) ? (facetFields ?? []) : [],
        facetLimit,
      });
      return {
        count: result.count,
        sort: str(p, "sort") ?? "score desc, metadata_modified desc",
        facets: result.facets,
        search_facets: result.searchFacets,
        results: result.results.map((d) => ckanPackage(base, d, council)),
      };
    },
    async organization_list(p) {
      const publishers = (await opendata.publishers()).filter((o) => o.datasetCount > 0);
      const limit = int(p, "limit", 1000, 1000);
      const offset = int(p, "offset", 0);
      const list = publishers
        .sort((a, b) => a.slug.localeCompare(b.slug))
        .slice(offset, offset + limit);
      if (!bool(p, "all_fields", false)) return list.map((o) => o.slug);
      return list.map((o) => ({
        ...ckanOrganization(
          { serviceAreaId: o.id, serviceAreaName: o.name, createdAt: new Date(0) },
          council,
        ),
        display_name: o.name,
        package_count: o.datasetCount,
      }));
    },
    async organization_show(p, base) {
      const id = str(p, "id");
      if (!id) throw invalid("id", "Missing value");
      const org = (await opendata.publishers()).find((o) => o.id === id || o.slug === id);
      if (!org) throw notFound("Organization not found");
      const datasets = (await opendata.publishedCatalogue()).filter(
        (d) => d.serviceAreaId === org.id,
      );
      return {
        ...ckanOrganization(
          { serviceAreaId: org.id, serviceAreaName: org.name, createdAt: new Date(0) },
          council,
        ),
        display_name: org.name,
        package_count: datasets.length,
        num_followers: 0,
        extras: [],
        tags: [],
        groups: [],
        users: [],
        ...(bool(p, "include_datasets", false)
          ? { packages: datasets.map((d) => ckanPackage(base, d, council)) }
          : {}),
      };
    },
    async resource_show(p, base) {
      const { dataset, resource } = findResource(await opendata.publishedCatalogue(), str(p, "id"));
      return ckanResource(base, dataset, resource);
    },
    async datastore_search(p) {
      const { resource } = findResource(
        await opendata.publishedCatalogue(),
        str(p, "resource_id") ?? str(p, "id"),
      );
      if (!isQueryable(resource) || !resource.published)
        throw notFound(`Resource "${resource.id}" was not found in the datastore.`);
      const limit = int(p, "limit", 100, MAX_ROWS);
      const offset = int(p, "offset", 0);
      const fieldsParam = p.fields;
      const fields = Array.isArray(fieldsParam)
        ? fieldsParam.map(String)
        : typeof fieldsParam === "string" && fieldsParam
          ? (json<string[]>(p, "fields") ?? fieldsParam.split(",").map((f) => f.trim()))
          : undefined;
      const qJson = json<Record<string, string>>(p, "q");
      const format = str(p, "records_format") ?? "objects";
      if (!["objects", "lists", "csv", "tsv"].includes(format))
        throw invalid("records_format", "Must be one of objects, lists, csv, tsv");
      const filters = json<Record<string, unknown>>(p, "filters");
      if (p.filters !== undefined && (filters === undefined || Array.isArray(filters)))
        throw invalid("filters", "Must be a JSON object");
      const result = await opendata.datastore.search(opendata.parquetPath(resource.published), {
        filters,
        q: qJson ?? str(p, "q"),
        fields,
        sort: str(p, "sort"),
        limit,
        offset,
        includeTotal: bool(p, "include_total", true),
        distinct: bool(p, "distinct", false),
      });
      const names = result.fields.map((f) => f.id);
      const records =
        format === "lists"
          ? result.records.map((r) => names.map((n) => r[n]))
          : format === "csv" || format === "tsv"
            ? toCsv(names, result.records, format === "csv" ? "," : "\t")
            : result.records;
      // CKAN's _links keep the query (filters, q, sort, fields, limit) and move the offset, so a client
      // that follows `next` reads the next page of the same answer.
      const link = (o: number) => {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(p)) {
          if (k === "offset" || k === "id" || v === undefined || v === null) continue;
          q.set(k, typeof v === "string" ? v : JSON.stringify(v));
        }
        q.set("resource_id", resource.id);
        if (o) q.set("offset", String(o));
        return `/api/3/action/datastore_search?${q}`;
      };
      return {
        include_total: result.total !== undefined,
        resource_id: resource.id,
        fields: result.fields,
        records_format: format,
        records,
        limit,
        ...(p.offset !== undefined ? { offset } : {}),
        ...(filters ? { filters } : {}),
        ...(p.q !== undefined ? { q: qJson ?? str(p, "q") } : {}),
        ...(p.sort !== undefined ? { sort: str(p, "sort") } : {}),
        _links: { start: link(0), next: link(offset + limit) },
        ...(result.total !== undefined ? { total: result.total, total_was_estimated: false } : {}),
      };
    },
    async datastore_search_sql(p) {
      const statement = str(p, "sql");
      if (!statement) throw invalid("sql", "Missing value");
      const tables = new Map<string, string>();
      for (const d of await opendata.publishedCatalogue())
        for (const r of d.resources)
          if (isQueryable(r) && r.published) tables.set(r.id, opendata.parquetPath(r.published));
      const result = await opendata.datastore.sql(statement, tables, { timeoutMs: 5000 });
      return {
        sql: statement,
        records: result.records,
        fields: result.fields,
        records_format: "objects",
      };
    },
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const name = (request.params as { name: string }).name;
    const base = baseUrl(request);
    const help = `${base}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
    const action = actions[name];
    const fail = (status: number, error: Record<string, unknown>) =>
      reply
        .code(status)
        .header("access-control-allow-origin", "*")
        .type("application/json; charset=utf-8")
        .send({ help, success: false, error });
    if (!action)
      return fail(400, {
        __type: "Bad request",
        message: `Bad request - Action name not known: ${name}`,
      });
    const params: Params =
      request.method === "POST"
        ? request.body && typeof request.body === "object"
          ? (request.body as Params)
          : {}
        : (request.query as Params);
    try {
      const result = await action(params, base);
      const body = JSON.stringify({ help, success: true, result });
      return sendCached(request, reply, body, "application/json; charset=utf-8", 60);
    } catch (err) {
      if (err instanceof ActionError) return fail(err.status, err.error);
      if (err instanceof DatastoreError)
        return fail(409, {
          __type: "Validation Error",
          [err.field ?? "query"]: [err.message],
          ...(err.field === "query" ? { info: { orig: [err.message] } } : {}),
        });
      request.log.error({ err }, "CKAN action failed");
      return fail(500, { __type: "Internal Server Error", message: "Internal Server Error" });
    }
  };

  // CKAN clients read every answer from this path as CKAN's envelope, errors raised before the handler
  // (the rate limit, a malformed body) included, so this scope has its own error handler.
  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const name = (request.params as { name?: string }).name ?? "";
      const help = `${baseUrl(request)}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
      const status = error.statusCode ?? 500;
      const failure =
        status === 429
          ? {
              __type: "Too Many Requests",
              message: "Too many requests. Wait a minute, then try again.",
            }
          : status === 403 || status === 401
            ? { __type: "Authorization Error", message: "Access denied" }
            : status === 404
              ? { __type: "Not Found Error", message: "Not found" }
              : status >= 400 && status < 500
                ? { __type: "Bad request", message: `Bad request - ${error.message}` }
                : { __type: "Internal Server Error", message: "Internal Server Error" };
      if (status >= 500) request.log.error({ err: error }, "CKAN action failed");
      return reply
        .code(status >= 400 && status < 600 ? status : 500)
        .header("access-control-allow-origin", "*")
        .type("application/json; charset=utf-8")
        .send({ help, success: false, error: failure });
    });
    const config = { policy: publicAccess, csrf: false, rateLimit: publicRateLimit };
    const schema = {
      summary: "CKAN Action API (read-only)",
      description: `CKAN-compatible actions: ${Object.keys(actions).join(", ")}. Answers {help, success, result}.`,
      tags: ["Open data (CKAN)"],
      params: {
        type: "object",
        properties: { name: { type: "string", enum: Object.keys(actions) } },
      },
    };
    scope.get(
      "/api/3/action/:name",
      {
        config,
        schema: { ...schema, params: { type: "object", properties: { name: { type: "string" } } } },
      },
      handle,
    );
    scope.post(
      "/api/3/action/:name",
      {
        config,
        schema: {
          ...schema,
          hide: true,
          params: { type: "object", properties: { name: { type: "string" } } },
        },
      },
      handle,
    );
  });
  app.get("/api/3", { config: { policy: publicAccess }, schema: { hide: true } }, async () => ({
    version: 3,
  }));
}
