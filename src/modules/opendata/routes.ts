import type { FastifyInstance } from "fastify";
import type { Services } from "../../platform/services.ts";
import { openDataApiRoutes } from "./api-v1.ts";
import { ckanRoutes } from "./ckan-api.ts";
import { dataPackageRoutes } from "./datapackage-routes.ts";
import { publicOpenDataRoutes } from "./public-routes.ts";
import { staffOpenDataRoutes } from "./staff-routes.ts";

export { editors as openDataEditors } from "./staff-routes.ts";

/** Open data: public catalogue and publication scheme, staff publishing with the gate, CKAN, DCAT and /api/v1. */
export async function openDataRoutes(app: FastifyInstance, services: Services) {
  await publicOpenDataRoutes(app, services);
  await staffOpenDataRoutes(app, services);
  await ckanRoutes(app, services);
  await dataPackageRoutes(app, services);
  await openDataApiRoutes(app, services);
}
