import type { FastifyInstance } from "fastify";
import type { Services } from "../../platform/services.ts";
import type { NavItem } from "../../platform/web/navigation.ts";
import { obligationsApiRoutes } from "./api.ts";
import { processorsRoutes } from "./processors/routes.ts";
import { retentionRoutes } from "./retention/routes.ts";
import { sharingRoutes } from "./sharing/routes.ts";
import { trainingRoutes } from "./training/routes.ts";
import { viewPolicy } from "./web.ts";

/** One entry in the service navigation; the overview links to the four registers. */
export const obligationsNavigation: NavItem[] = [
  { text: "Obligations", href: "/obligations", policy: viewPolicy },
];

export async function obligationsRoutes(app: FastifyInstance, services: Services) {
  app.get("/obligations", { config: { policy: viewPolicy } }, async (_request, reply) => {
    const thirdParty = await services.assets.list({ thirdPartyHosted: true, pageSize: 500 });
    const [retention, sharing, gaps, training] = await Promise.all([
      services.retention.counts(),
      services.sharing.counts(),
      services.processors.gaps(
        thirdParty.items.map((a) => ({
          id: a.id,
          reference: a.reference,
          name: a.name,
          hostedBy: a.hostedBy,
        })),
      ),
      services.training.compliance(),
    ]);
    return reply.render("obligations/views/overview.njk", {
      pageTitle: "Obligations",
      retention,
      sharing,
      processors: {
        missingTerms: gaps.missingTerms.length,
        assuranceExpiring: gaps.assuranceExpiring.length,
        uncontractedAssets: gaps.uncontractedAssets.length,
        reviewOverdue: gaps.reviewOverdue.length,
      },
      training: {
        staffRate: Math.round(training.staff.rate * 100),
        councillorRate: Math.round(training.councillors.rate * 100),
        staffMeets: training.staff.meetsTarget,
        councillorsMeet: training.councillors.meetsTarget,
        overduePeople: new Set(training.overdue.map((s) => s.person.id)).size,
        dueSoon: training.dueSoon.length,
      },
    });
  });
  await retentionRoutes(app, services);
  await sharingRoutes(app, services);
  await processorsRoutes(app, services);
  await trainingRoutes(app, services);
  await obligationsApiRoutes(app, services);
}
