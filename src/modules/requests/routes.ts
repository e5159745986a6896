import type { FastifyInstance } from "fastify";
import type { Services } from "../../platform/services.ts";
import { requestsApiRoutes } from "./api-routes.ts";
import { calendarRoutes } from "./calendar/calendar-routes.ts";
import { caseRoutes } from "./cases/case-routes.ts";
import { disclosureRoutes } from "./disclosure/disclosure-routes.ts";
import { portalRoutes } from "./portal/portal-routes.ts";
import { reportRoutes } from "./reports/report-routes.ts";

/**
 * Information requests: the public portal and disclosure log, caseworkers' pages, the IG team's
 * reports and themes, administrators' bank holidays, and the JSON API. The inbound SMTP server
 * (REQUESTS_SMTP_PORT) starts when the web server starts listening.
 */
export async function requestsRoutes(app: FastifyInstance, services: Services) {
  await requestsApiRoutes(app, services);
  await portalRoutes(app, services);
  await disclosureRoutes(app, services);
  await caseRoutes(app, services);
  await reportRoutes(app, services);
  await calendarRoutes(app, services);
  app.addHook("onListen", async () => {
    await services.requests.calendar
      .writeExport()
      .catch((err) => app.log.warn({ err }, "could not write the calendar for steward deadline"));
    await services.requests.startMailIntake();
  });
  app.addHook("onClose", async () => {
    await services.requests.stopMailIntake();
  });
}
