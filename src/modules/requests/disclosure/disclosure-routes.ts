import type { FastifyInstance } from "fastify";
import { publicAccess } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import { OUTCOMES } from "../cases/vocabulary.ts";

/** The public disclosure log: search and read published answers. */
export async function disclosureRoutes(app: FastifyInstance, services: Services) {
  const { disclosure } = services.requests;
  const config = { policy: publicAccess, rateLimit: { max: 120, timeWindow: "1 minute" } };

  app.get("/disclosure-log", { config }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const filter = {
      q: (q.q ?? "").slice(0, 200),
      service: q.service || undefined,
      topic: q.topic || undefined,
      outcome: q.outcome || undefined,
      type: q.type || undefined,
      from: q.from || undefined,
      to: q.to || undefined,
      page: Math.max(1, Math.min(Number.parseInt(q.page ?? "1", 10) || 1, 500)),
    };
    const [found, facets, stats] = await Promise.all([
      disclosure.search(filter),
      disclosure.facets(),
      disclosure.stats(),
    ]);
    const link = (page: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filter)) if (v && k !== "page") params.set(k, String(v));
      params.set("page", String(page));
      return `/disclosure-log?${params}`;
    };
    return reply.render("requests/disclosure/views/search.njk", {
      pageTitle: "Disclosure log",
      filter,
      found,
      facets,
      stats,
      outcomes: Object.entries(OUTCOMES)
        .filter(([v]) => !v.startsWith("review") && !v.startsWith("ico"))
        .map(([value, text]) => ({ value, text })),
      previous: filter.page > 1 ? link(filter.page - 1) : undefined,
      next: found.hasMore ? link(filter.page + 1) : undefined,
    });
  });

  app.get("/disclosure-log/:id", { config }, async (request, reply) => {
    const entry = await disclosure.get((request.params as { id: string }).id);
    if (!entry) return reply.callNotFound();
    return reply.render("requests/disclosure/views/entry.njk", { pageTitle: entry.title, entry });
  });
}
