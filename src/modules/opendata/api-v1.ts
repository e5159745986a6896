import type { FastifyInstance } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { parseFq, searchCatalogue } from "./catalogue-search.ts";
import { DatastoreError } from "./datastore.ts";
import { baseUrl, publicRateLimit, sendCached } from "./http-cache.ts";
import { ckanPackage, isQueryable } from "./presenters.ts";
import { councilYear } from "./transparency-code.ts";

const problem = { $ref: "problem#" } as const;
const tags = ["Open data"];
const config = { policy: publicAccess, rateLimit: publicRateLimit };

/** Steward's own open-data API (public, read-only), described in the OpenAPI document. */
export async function openDataApiRoutes(app: FastifyInstance, services: Services) {
  const { opendata } = services;
  const council = services.config.COUNCIL_NAME;

  app.get(
    "/api/v1/open-data/datasets",
    {
      config,
      schema: {
        summary: "Search published datasets",
        description:
          "Facets: theme, service, format, licence, frequency. Each dataset is shaped as a CKAN package.",
        tags,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            q: { type: "string", maxLength: 200 },
            fq: {
              type: "string",
              maxLength: 500,
              description: "Filters, e.g. res_format:CSV organization:housing groups:spending",
            },
            sort: {
              type: "string",
              maxLength: 50,
              description: "score desc, metadata_modified desc, title_string asc",
            },
            limit: { type: "integer", minimum: 0, maximum: 1000, default: 20 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              count: { type: "integer" },
              facets: { type: "object", additionalProperties: true },
              datasets: { type: "array", items: { type: "object", additionalProperties: true } },
            },
          },
          400: problem,
        },
      },
    },
    async (request, reply) => {
      const q = request.query as {
        q?: string;
        fq?: string;
        sort?: string;
        limit: number;
        offset: number;
      };
      const result = searchCatalogue(await opendata.publishedCatalogue(), {
        q: q.q,
        filters: parseFq(q.fq),
        sort: q.sort,
        rows: q.limit,
        start: q.offset,
      });
      const base = baseUrl(request);
      return sendCached(
        request,
        reply,
        JSON.stringify({
          count: result.count,
          facets: result.facets,
          datasets: result.results.map((d) => ckanPackage(base, d, council)),
        }),
        "application/json; charset=utf-8",
      );
    },
  );

  app.get(
    "/api/v1/open-data/datasets/:slug",
    {
      config,
      schema: {
        summary: "One published dataset with its resources",
        tags,
        params: { type: "object", properties: { slug: { type: "string", maxLength: 100 } } },
        response: { 200: { type: "object", additionalProperties: true }, 404: problem },
      },
    },
    async (request, reply) => {
      const d = await opendata.getPublished((request.params as { slug: string }).slug);
      if (!d) throw new HttpError(404, "No published dataset with that name.");
      return sendCached(
        request,
        reply,
        JSON.stringify(ckanPackage(baseUrl(request), d, council)),
        "application/json; charset=utf-8",
      );
    },
  );

  app.get(
    "/api/v1/open-data/resources/:id/records",
    {
      config,
      schema: {
        summary: "Rows of a published table, queried in place",
        description:
          "Filters are a JSON object of column → value (or list of values); q searches every text column.",
        tags,
        params: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            q: { type: "string", maxLength: 200 },
            filters: { type: "string", maxLength: 2000 },
            fields: {
              type: "string",
              maxLength: 2000,
              description: "Comma-separated column names",
            },
            sort: { type: "string", maxLength: 200, description: 'e.g. "Amount desc"' },
            limit: { type: "integer", minimum: 0, maximum: 32000, default: 100 },
            offset: { type: "integer", minimum: 0, default: 0 },
            includeTotal: { type: "boolean", default: true },
          },
        },
        response: {
          200: { type: "object", additionalProperties: true },
          400: problem,
          404: problem,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const q = request.query as {
        q?: string;
        filters?: string;
        fields?: string;
        sort?: string;
        limit: number;
        offset: number;
        includeTotal: boolean;
      };
      const resource = (await opendata.publishedCatalogue())
        .flatMap((d) => d.resources)
        .find((r) => r.id === id);
      if (!resource?.published || !isQueryable(resource))
        throw new HttpError(404, "No published table with that id.");
      let filters: Record<string, unknown> | undefined;
      if (q.filters) {
        try {
          filters = JSON.parse(q.filters) as Record<string, unknown>;
        } catch {
          throw new HttpError(400, "filters must be a JSON object.");
        }
        if (!filters || typeof filters !== "object" || Array.isArray(filters))
          throw new HttpError(400, "filters must be a JSON object.");
      }
      try {
        const result = await opendata.datastore.search(opendata.parquetPath(resource.published), {
          q: q.q,
          filters,
          fields: q.fields
            ?.split(",")
            .map((f) => f.trim())
            .filter(Boolean),
          sort: q.sort,
          limit: q.limit,
          offset: q.offset,
          includeTotal: q.includeTotal,
        });
        return sendCached(
          request,
          reply,
          JSON.stringify(result),
          "application/json; charset=utf-8",
        );
      } catch (err) {
        if (err instanceof DatastoreError) throw new HttpError(400, err.message);
        throw err;
      }
    },
  );

  app.get(
    "/api/v1/open-data/transparency-code",
    {
      config,
      schema: {
        summary: "Transparency Code datasets due, published, late or missing in a council year",
        tags,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { year: { type: "integer", minimum: 2010, maximum: 2100 } },
        },
        response: {
          200: { type: "array", items: { type: "object", additionalProperties: true } },
          400: problem,
        },
      },
    },
    async (request) => {
      const year = (request.query as { year?: number }).year ?? councilYear(new Date());
      const rows = await opendata.compliance(year);
      return rows.map((r) => ({
        dataset: r.template.key,
        title: r.template.title,
        frequency: r.template.frequency,
        // Public: only published datasets count (a draft or private one is nobody else's business yet).
        setUp: r.datasets.some((d) => d.status === "published"),
        periods: r.periods.map((p) => ({
          period: p.code,
          label: p.label,
          due: p.due,
          status: p.status,
          publishedOn: p.publishedOn ?? null,
        })),
      }));
    },
  );
}
