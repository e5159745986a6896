import type { FastifyInstance } from "fastify";
import { adminOnly } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { auditRoutes } from "./audit-routes.ts";
import { userRoutes } from "./user-routes.ts";

export async function adminRoutes(app: FastifyInstance, services: Services) {
  await userRoutes(app, services);
  await auditRoutes(app, services);

  app.get("/admin/outbox", { config: { policy: adminOnly } }, async (_request, reply) =>
    reply.render("admin/views/outbox.njk", {
      pageTitle: "Mail outbox",
      messages: await services.mail.outbox(),
      smtpConfigured: services.mail.configured,
    }),
  );

  app.get("/admin/jobs", { config: { policy: adminOnly } }, async (_request, reply) =>
    reply.render("admin/views/jobs.njk", {
      pageTitle: "Background jobs",
      jobs: await services.jobs.recent(50),
    }),
  );
}
