import type { FastifyInstance } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { sendProblem } from "../../platform/web/errors.ts";
import { dataPackage } from "./datapackage.ts";
import type { DatastoreField } from "./datastore.ts";
import { baseUrl, publicRateLimit, sendCached } from "./http-cache.ts";
import { isQueryable } from "./presenters.ts";

const config = { policy: publicAccess, rateLimit: publicRateLimit };

/** Every published dataset as a Frictionless Data Package: `/data/{slug}/datapackage.json`. */
export async function dataPackageRoutes(app: FastifyInstance, services: Services) {
  const { opendata } = services;
  const council = services.config.COUNCIL_NAME;

  app.get("/data/:slug/datapackage.json", { config }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const d = await opendata.getPublished(slug);
    // Data Package clients read JSON, so they are told "not found" in JSON too.
    if (!d?.resources.length)
      return sendProblem(reply, request, 404, "No published dataset at this address.");
    // A table's columns as its CSV download has them (the datastore reads them once per file).
    const tables = new Map<string, DatastoreField[]>();
    await Promise.all(
      d.resources.map(async (r) => {
        if (!isQueryable(r) || !r.published) return;
        const fields = await opendata.datastore
          .fields(opendata.parquetPath(r.published))
          .catch(() => undefined);
        if (fields) tables.set(r.id, fields);
      }),
    );
    const sourceAsset = await opendata.sourceAsset(d.sourceAssetId);
    const descriptor = dataPackage(d, { base: baseUrl(request), council, tables, sourceAsset });
    return sendCached(
      request,
      reply,
      JSON.stringify(descriptor, null, 2),
      "application/json; charset=utf-8",
      300,
    );
  });
}
