import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Services } from "../../../platform/services.ts";
import { type FormErrors, fieldError, parseForm } from "../../../platform/web/forms.ts";
import { CaseInputError } from "../cases/cases-service.ts";
import { MERGE_FIELDS } from "../cases/letters.ts";
import { caseworkers, igTeam } from "../policy.ts";

const templateForm = z.object({
  id: z.string().optional(),
  name: z.string().trim().min(1, "Enter a name for the template").max(100),
  subject: z.string().trim().min(1, "Enter the subject line").max(300),
  body: z.string().trim().min(1, "Enter the letter").max(50000),
});

/** For the information-governance team: reports for the ICO, themes worth publishing, letter templates. */
export async function reportRoutes(app: FastifyInstance, services: Services) {
  const { requests } = services;

  app.get("/staff/requests/reports", { config: { policy: igTeam } }, async (request, reply) => {
    const year = (request.query as { year?: string }).year;
    const [report, stats] = await Promise.all([
      requests.reports.report({ year }),
      requests.disclosure.stats(),
    ]);
    return reply.render("requests/reports/views/reports.njk", {
      pageTitle: "Information request reports",
      report,
      stats,
    });
  });

  app.get("/staff/requests/reports.csv", { config: { policy: igTeam } }, async (request, reply) => {
    const year = (request.query as { year?: string }).year;
    const csv = await requests.reports.timelinessCsv(year);
    return reply
      .type("text/csv; charset=utf-8")
      .header(
        "content-disposition",
        `attachment; filename="information-requests${year ? `-${year.replace("/", "-")}` : ""}.csv"`,
      )
      .send(csv);
  });

  app.get("/staff/requests/themes", { config: { policy: igTeam } }, async (_request, reply) => {
    const themes = await requests.reports.themes();
    return reply.render("requests/reports/views/themes.njk", {
      pageTitle: "Themes in information requests",
      themes,
      totalSaving: themes.reduce((s, t) => s + t.estimatedSavingPounds, 0),
    });
  });

  const templatesPage = async (
    extra: { errors?: FormErrors; values?: Record<string, unknown> } = {},
  ) => ({
    pageTitle: "Letter templates",
    templates: await requests.casework.templates(),
    mergeFields: Object.entries(MERGE_FIELDS).map(([name, text]) => ({ name, text })),
    errors: extra.errors,
    values: extra.values ?? {},
  });

  app.get(
    "/staff/requests/templates",
    { config: { policy: caseworkers } },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      return reply.render("requests/reports/views/templates.njk", {
        ...(await templatesPage()),
        flash: done ? "Template saved" : undefined,
      });
    },
  );

  app.post(
    "/staff/requests/templates",
    { config: { policy: caseworkers } },
    async (request, reply) => {
      const form = parseForm(templateForm, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            "requests/reports/views/templates.njk",
            await templatesPage({ errors: form.errors, values: form.values }),
          );
      try {
        await requests.casework.saveTemplate(request.audit, {
          ...form.value,
          id: form.value.id || undefined,
        });
      } catch (err) {
        if (err instanceof CaseInputError)
          return reply.code(400).render(
            "requests/reports/views/templates.njk",
            await templatesPage({
              errors: fieldError(err.field, err.message),
              values: form.value,
            }),
          );
        throw err;
      }
      return reply.redirect("/staff/requests/templates?done=saved", 303);
    },
  );
}
