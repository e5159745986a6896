import type { FastifyInstance } from "fastify";
import { publicAccess, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";

const pages = {
  "/": { template: "home/views/start.njk" },
  "/accessibility": { template: "home/views/accessibility.njk" },
  "/privacy": { template: "home/views/privacy.njk" },
  "/cookies": { template: "home/views/cookies.njk" },
  "/feedback": { template: "home/views/feedback.njk" },
};

export async function homeRoutes(app: FastifyInstance, services: Services) {
  for (const [url, page] of Object.entries(pages)) {
    app.get(url, { config: { policy: publicAccess } }, (_req, reply) =>
      reply.render(page.template, {}, { cacheForAnonymous: true }),
    );
  }

  app.get("/staff", { config: { policy: signedIn } }, async (request, reply) => {
    const [roles, areas] = await Promise.all([
      services.organisation.governanceRoles(),
      services.organisation.serviceAreas(),
    ]);
    return reply.render("home/views/dashboard.njk", {
      pageTitle: "Dashboard",
      governanceRoles: roles,
      serviceAreaCount: areas.length,
      roles: request.user?.roles,
    });
  });
}
