import type { FastifyInstance } from "fastify";
import { signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import type { NavItem } from "../../platform/web/navigation.ts";
import { assetApiRoutes } from "./api.ts";
import { flowPageRoutes } from "./flows/routes.ts";
import { processingPageRoutes } from "./processing/routes.ts";
import { assetPageRoutes } from "./routes.ts";
import { spreadsheetRoutes } from "./spreadsheet/routes.ts";

/** Know what we hold: the asset register, the record of processing and the map of data flows. */
export async function assetsRoutes(app: FastifyInstance, services: Services) {
  await assetPageRoutes(app, services);
  await spreadsheetRoutes(app, services);
  await processingPageRoutes(app, services);
  await flowPageRoutes(app, services);
  await assetApiRoutes(app, services);
}

export const assetsNavigation: NavItem[] = [
  { text: "Assets", href: "/assets", policy: signedIn },
  { text: "Processing", href: "/processing", policy: signedIn },
  { text: "Data flows", href: "/flows", policy: signedIn },
];
