import { randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { asArray } from "../../platform/web/forms.ts";
import { FACETS, type FacetField, searchCatalogue } from "./catalogue-search.ts";
import { chartFor } from "./chart.ts";
import { baseUrl, notModified, publicRateLimit, sendCached } from "./http-cache.ts";
import type { Dataset, Resource, Version } from "./opendata-service.ts";
import {
  DCAT_MEDIA_TYPES,
  type DcatFormat,
  dcatCatalogAs,
  dcatDatasetAs,
  dcatFormatFor,
  isDcatFormat,
  isQueryable,
  schemaOrgDataset,
} from "./presenters.ts";
import { PUBLICATION_CLASSES } from "./transparency-code.ts";
import { FREQUENCIES, LICENCES } from "./vocabulary.ts";

const PAGE_SIZE = 20;
const config = { policy: publicAccess, rateLimit: publicRateLimit };

/** Facet query parameters on the public search page, and the CKAN facet each one filters. */
const FACET_PARAMS: Record<string, FacetField> = {
  theme: "groups",
  service: "organization",
  format: "res_format",
  licence: "license_id",
  frequency: "frequency",
};

/** The public side: find, preview, download and query published data; the publication scheme; DCAT. */
export async function publicOpenDataRoutes(app: FastifyInstance, services: Services) {
  const { opendata } = services;
  const council = services.config.COUNCIL_NAME;

  async function published(slug: string): Promise<Dataset> {
    const d = await opendata.getPublished(slug);
    if (!d) throw new HttpError(404, "No published dataset at this address.");
    return d;
  }

  function publishedResource(d: Dataset, id: string): Resource & { published: Version } {
    const r = d.resources.find((x) => x.id === id);
    if (!r?.published) throw new HttpError(404, "No such resource in this dataset.");
    return r as Resource & { published: Version };
  }

  app.get("/data", { config }, async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    const q = String(query.q ?? "")
      .trim()
      .slice(0, 200);
    const page = Math.max(1, Math.min(Number.parseInt(String(query.page ?? "1"), 10) || 1, 1000));
    const filters: Partial<Record<FacetField, string[]>> = {};
    const selected: Record<string, string[]> = {};
    for (const [param, field] of Object.entries(FACET_PARAMS)) {
      const values = asArray(query[param]).slice(0, 20);
      if (values.length) filters[field] = values;
      selected[param] = values;
    }
    const sort =
      query.sort === "title"
        ? "title_string asc"
        : query.sort === "updated"
          ? "metadata_modified desc"
          : undefined;
    const result = searchCatalogue(await opendata.publishedCatalogue(), {
      q,
      filters,
      sort,
      rows: PAGE_SIZE,
      start: (page - 1) * PAGE_SIZE,
    });
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    for (const [k, vs] of Object.entries(selected)) for (const v of vs) params.append(k, v);
    if (query.sort) params.set("sort", String(query.sort));
    const link = (n: number) => {
      const p = new URLSearchParams(params);
      p.set("page", String(n));
      return `/data?${p}`;
    };
    const facets = Object.entries(FACET_PARAMS).map(([param, field]) => ({
      param,
      title: FACETS[field],
      items: result.searchFacets[field].items.map((i) => ({
        value: i.name,
        text: `${i.display_name} (${i.count})`,
        checked: selected[param].includes(i.name),
      })),
    }));
    const pages = Math.max(1, Math.ceil(result.count / PAGE_SIZE));
    return reply.render("opendata/views/public-search.njk", {
      pageTitle: q ? `Open data matching “${q}”` : "Find open data",
      q,
      sort: query.sort ?? "",
      result,
      facets,
      frequencies: FREQUENCIES,
      page,
      pages,
      previous: page > 1 ? link(page - 1) : undefined,
      next: page < pages ? link(page + 1) : undefined,
      anyFilter: Object.values(selected).some((v) => v.length),
    });
  });

  app.get("/data/:slug", { config }, async (request, reply) => {
    const d = await published((request.params as { slug: string }).slug);
    const base = baseUrl(request);
    const tables = await Promise.all(
      d.resources.map(async (r) => {
        if (!isQueryable(r) || !r.published) return { resource: r };
        const path = opendata.parquetPath(r.published);
        try {
          const preview = await opendata.datastore.search(path, { limit: 10, includeTotal: true });
          const chart = await chartFor(path, preview.fields).catch(() => undefined);
          return { resource: r, preview, chart };
        } catch {
          return { resource: r };
        }
      }),
    );
    const asset = await opendata.sourceAsset(d.sourceAssetId);
    return reply.render("opendata/views/public-dataset.njk", {
      pageTitle: d.title,
      dataset: d,
      tables,
      base,
      asset,
      licence: LICENCES[d.licence as keyof typeof LICENCES],
      frequency: FREQUENCIES[d.frequency as keyof typeof FREQUENCIES]?.label ?? d.frequency,
      publicationClass: PUBLICATION_CLASSES[d.publicationClass as keyof typeof PUBLICATION_CLASSES],
      jsonLd: JSON.stringify(schemaOrgDataset(base, d, council)).replace(/</g, "\\u003c"),
    });
  });

  app.get("/data/:slug/resources/:rid", { config }, async (request, reply) => {
    const { slug, rid } = request.params as { slug: string; rid: string };
    const d = await published(slug);
    const r = d.resources.find((x) => x.id === rid);
    if (!r) throw new HttpError(404, "No such resource in this dataset.");
    const query = request.query as { page?: string; q?: string };
    const page = Math.max(1, Math.min(Number.parseInt(query.page ?? "1", 10) || 1, 100_000));
    const q = String(query.q ?? "").slice(0, 200);
    let table: Awaited<ReturnType<typeof opendata.datastore.search>> | undefined;
    if (isQueryable(r) && r.published)
      table = await opendata.datastore.search(opendata.parquetPath(r.published), {
        limit: 25,
        offset: (page - 1) * 25,
        q: q || undefined,
      });
    const pages = table?.total ? Math.ceil(table.total / 25) : 1;
    const link = (n: number) =>
      `/data/${d.slug}/resources/${r.id}?${new URLSearchParams({ ...(q ? { q } : {}), page: String(n) })}`;
    return reply.render("opendata/views/public-resource.njk", {
      pageTitle: `${r.name} – ${d.title}`,
      dataset: d,
      resource: r,
      table,
      q,
      page,
      pages,
      previous: page > 1 ? link(page - 1) : undefined,
      next: page < pages ? link(page + 1) : undefined,
      base: baseUrl(request),
    });
  });

  /**
   * A stored file. A version's files never change once written, so the version and the kind of file make a
   * strong ETag; If-None-Match (or If-Modified-Since) gets 304 with no body.
   */
  const send = async (
    request: FastifyRequest,
    reply: FastifyReply,
    file: { path: string; type: string; name: string; tag: string },
  ) => {
    const info = await stat(file.path).catch(() => undefined);
    if (!info) throw new HttpError(404, "That file is not available.");
    const etag = `"${file.tag}"`;
    const modified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
    reply.header("etag", etag);
    reply.header("last-modified", modified.toUTCString());
    reply.header("access-control-allow-origin", "*");
    reply.header("cache-control", "public, max-age=300");
    if (notModified(request, etag, modified)) return reply.code(304).send();
    reply.header(
      "content-disposition",
      `attachment; filename="${file.name.replace(/[^\w.-]/g, "_")}"`,
    );
    reply.header("content-length", info.size);
    return reply.type(file.type).send(createReadStream(file.path));
  };

  app.get("/data/:slug/resources/:rid/download/:file", { config }, async (request, reply) => {
    const { slug, rid } = request.params as { slug: string; rid: string };
    const r = publishedResource(await published(slug), rid);
    return send(request, reply, {
      path: opendata.originalPath(r.published),
      type: r.published.mediaType,
      name: r.published.fileName,
      tag: `${r.published.id}-original`,
    });
  });

  app.get("/data/:slug/resources/:rid/versions/:vid", { config }, async (request, reply) => {
    const { slug, rid, vid } = request.params as { slug: string; rid: string; vid: string };
    const r = publishedResource(await published(slug), rid);
    const v = r.versions.find((x) => x.id === vid && x.publishedAt);
    if (!v) throw new HttpError(404, "No such published version.");
    return send(request, reply, {
      path: opendata.originalPath(v),
      type: v.mediaType,
      name: v.fileName,
      tag: `${v.id}-original`,
    });
  });

  app.get("/data/:slug/resources/:rid/data.:ext", { config }, async (request, reply) => {
    const { slug, rid, ext } = request.params as { slug: string; rid: string; ext: string };
    const d = await published(slug);
    const r = publishedResource(d, rid);
    if (!isQueryable(r)) throw new HttpError(404, "This resource is not a table.");
    const parquet = opendata.parquetPath(r.published);
    const name = `${d.slug}-${r.name}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    if (ext === "parquet")
      return send(request, reply, {
        path: parquet,
        type: "application/vnd.apache.parquet",
        name: `${name}.parquet`,
        tag: `${r.published.id}-parquet`,
      });
    if (ext !== "csv" && ext !== "json")
      throw new HttpError(404, "Downloads are CSV, JSON or Parquet.");
    const out = join(opendata.versionDir(r.id, r.published.id), `export.${ext}`);
    if (!existsSync(out)) {
      // Written aside and moved into place, so a second request never streams half a file.
      const partial = `${out}.${randomUUID()}.partial`;
      try {
        await opendata.datastore.export(parquet, partial, ext);
        await rename(partial, out);
      } finally {
        await rm(partial, { force: true });
      }
    }
    return send(request, reply, {
      path: out,
      type: ext === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      name: `${name}.${ext}`,
      tag: `${r.published.id}-${ext}`,
    });
  });

  app.get("/publication-scheme", { config }, async (_request, reply) => {
    const catalogue = await opendata.publishedCatalogue();
    const classes = Object.entries(PUBLICATION_CLASSES).map(([key, title]) => ({
      key,
      title,
      datasets: catalogue.filter(
        (d) =>
          d.publicationClass === key &&
          !d.resources.every((r) => r.format === "PDF" || r.format === "LINK"),
      ),
      documents: catalogue.filter(
        (d) =>
          d.publicationClass === key &&
          d.resources.length > 0 &&
          d.resources.every((r) => r.format === "PDF" || r.format === "LINK"),
      ),
    }));
    return reply.render("opendata/views/publication-scheme.njk", {
      pageTitle: "Publication scheme",
      classes,
      council,
      request: undefined,
    });
  });

  /** DCAT as ckanext-dcat serves it: the catalogue and each dataset in JSON-LD, Turtle and RDF/XML. */
  const catalogue = async (request: FastifyRequest, reply: FastifyReply, format: DcatFormat) => {
    const datasets = await opendata.publishedCatalogue();
    const body = dcatCatalogAs(format, baseUrl(request), datasets, council);
    return sendCached(request, reply, body, DCAT_MEDIA_TYPES[format], 300);
  };
  for (const format of ["jsonld", "ttl", "rdf", "xml"] as const)
    app.get(`/catalog.${format}`, { config }, (request, reply) =>
      catalogue(request, reply, format),
    );

  // The catalogue's own IRI: an RDF media type in Accept gets that serialisation; anything else (a browser,
  // */*) is sent to the catalogue's web page, as ckanext-dcat answers its home page with HTML.
  app.get("/catalog", { config }, (request, reply) => {
    reply.header("vary", "Accept");
    const format = dcatFormatFor(request.headers.accept);
    if (!format) return reply.redirect("/data", 303);
    reply.header("content-location", `/catalog.${format}`);
    return catalogue(request, reply, format);
  });

  // /data/{slug}.{format} beside the page at /data/{slug}: a slug is lower-case letters, digits and hyphens,
  // so the router tells them apart by the dot.
  app.get("/data/:slug.:format", { config }, async (request, reply) => {
    const { slug, format } = request.params as { slug: string; format: string };
    if (!isDcatFormat(format)) throw new HttpError(404, "DCAT is JSON-LD, Turtle or RDF/XML.");
    const d = await published(slug);
    const body = dcatDatasetAs(format, baseUrl(request), d, council);
    return sendCached(request, reply, body, DCAT_MEDIA_TYPES[format], 300);
  });
}
