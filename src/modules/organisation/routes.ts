import type { FastifyInstance } from "fastify";
import { signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";

export async function organisationRoutes(app: FastifyInstance, services: Services) {
  app.get("/staff/organisation", { config: { policy: signedIn } }, async (_request, reply) => {
    const [serviceAreas, governanceRoles] = await Promise.all([
      services.organisation.serviceAreas(),
      services.organisation.governanceRoles(),
    ]);
    return reply.render("organisation/views/organisation.njk", {
      pageTitle: "Organisation",
      serviceAreas,
      governanceRoles,
    });
  });
}
