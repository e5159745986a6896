import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { anyRole } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { parseForm } from "../../platform/web/forms.ts";

const PAGE_SIZE = 20;

const ukDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const d = new Date(`${v}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(v) ||
      Number.isNaN(d.getTime()) ||
      d.toISOString().slice(0, 10) !== v
    ) {
      ctx.addIssue({ code: "custom", message: "Enter a real date in the format YYYY-MM-DD" });
      return z.NEVER;
    }
    return d;
  });

const filterForm = z.object({
  actor: z.string().trim().max(200).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  action: z.string().trim().max(100).optional(),
  from: ukDate,
  to: ukDate,
  page: z.coerce.number().int().min(1).max(100000).optional().catch(1),
});

export async function auditRoutes(app: FastifyInstance, services: Services) {
  // The list of actions changes rarely; reading it on every search would scan the whole trail.
  let actionsCache: { at: number; list: string[] } | undefined;
  async function actionItems(selected: string | undefined) {
    if (!actionsCache || Date.now() - actionsCache.at > 60_000)
      actionsCache = { at: Date.now(), list: await services.audit.actions() };
    return [
      { value: "", text: "Any action" },
      ...actionsCache.list.map((a) => ({ value: a, text: a, selected: a === selected })),
    ];
  }

  app.get(
    "/admin/audit",
    { config: { policy: anyRole("administrator", "dpo") } },
    async (request, reply) => {
      const form = parseForm(filterForm, request.query);
      const values = (form.ok ? request.query : form.values) as Record<string, string>;
      const actions = await actionItems(values.action);
      if (!form.ok) {
        return reply.code(400).render("admin/views/audit.njk", {
          pageTitle: "Audit trail",
          errors: form.errors,
          values,
          events: [],
          hasMore: false,
          actionItems: actions,
        });
      }
      const f = form.value;
      const page = f.page ?? 1;
      const to = f.to ? new Date(f.to.getTime() + 86_400_000) : undefined; // the whole of the "to" day
      const { events, hasMore } = await services.audit.search({ ...f, to, limit: PAGE_SIZE, page });
      const query = new URLSearchParams(
        Object.entries(values).filter(([k, v]) => k !== "page" && v) as [string, string][],
      ).toString();
      return reply.render("admin/views/audit.njk", {
        pageTitle: "Audit trail",
        values,
        events,
        hasMore,
        actionItems: actions,
        page,
        firstNumber: (page - 1) * PAGE_SIZE + 1,
        pageLink: (n: number) => `/admin/audit?${query ? `${query}&` : ""}page=${n}`,
      });
    },
  );
}
