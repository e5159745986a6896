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
  app.get(
    "/admin/audit",
    { config: { policy: anyRole("administrator", "dpo") } },
    async (request, reply) => {
      const form = parseForm(filterForm, request.query);
      const actions = await services.audit.actions();
      const values = (form.ok ? request.query : form.values) as Record<string, string>;
      if (!form.ok) {
        return reply.code(400).render("admin/views/audit.njk", {
          pageTitle: "Audit trail",
          errors: form.errors,
          values,
          events: [],
          total: 0,
          actions,
        });
      }
      const f = form.value;
      const page = f.page ?? 1;
      const to = f.to ? new Date(f.to.getTime() + 86_400_000) : undefined; // the whole of the "to" day
      const { events, total } = await services.audit.search({ ...f, to, limit: PAGE_SIZE, page });
      const query = new URLSearchParams(
        Object.entries(values).filter(([k, v]) => k !== "page" && v) as [string, string][],
      ).toString();
      return reply.render("admin/views/audit.njk", {
        pageTitle: "Audit trail",
        values,
        events,
        total,
        actions,
        page,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        pageLink: (n: number) => `/admin/audit?${query ? `${query}&` : ""}page=${n}`,
      });
    },
  );
}
