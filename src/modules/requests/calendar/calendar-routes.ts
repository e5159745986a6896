import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { adminOnly } from "../../../platform/auth/policy.ts";
import { DIVISION_NAMES, DIVISIONS, shippedCalendar } from "../../../platform/calendar/index.ts";
import type { Services } from "../../../platform/services.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../../platform/web/forms.ts";
import { CalendarInputError } from "./calendar-service.ts";

const adjustForm = z.object({
  kind: z.enum(["added", "removed"], { error: "Choose whether to add or remove a day" }),
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the date, like 2022-09-19"),
  title: z
    .string()
    .trim()
    .min(1, "Enter the name of the day, like State Funeral of Queen Elizabeth II")
    .max(200),
  divisions: z.preprocess(asArray, z.array(z.string())),
  reason: z.string().trim().max(500).optional(),
});

/** Administrators keep the working-day calendar up to date without a release; open cases follow. */
export async function calendarRoutes(app: FastifyInstance, services: Services) {
  const { calendar } = services.requests;
  const config = { policy: adminOnly };
  const divisions = DIVISIONS.map((value) => ({ value, text: DIVISION_NAMES[value] }));

  async function page(
    extra: { errors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {},
  ) {
    const year = new Date().getFullYear();
    const adjustments = await calendar.adjustments();
    const current = await calendar.calendar();
    const upcoming = current
      .holidays()
      .filter((h) => h.date >= `${year - 1}-01-01` && h.date <= `${year + 1}-12-31`);
    return {
      pageTitle: "Bank holidays",
      adjustments,
      upcoming,
      divisions,
      shippedCount: shippedCalendar().holidays().length,
      values: { kind: "added", divisions: [], ...extra.values },
      errors: extra.errors,
      flash: extra.flash,
    };
  }

  app.get("/admin/bank-holidays", { config }, async (request, reply) => {
    const done = (request.query as { done?: string; moved?: string }).done;
    const moved = (request.query as { moved?: string }).moved ?? "0";
    return reply.render(
      "requests/calendar/views/bank-holidays.njk",
      await page({
        flash: done
          ? `Calendar changed. ${moved} open case${moved === "1" ? "" : "s"} now ha${moved === "1" ? "s" : "ve"} a new due date.`
          : undefined,
      }),
    );
  });

  app.post("/admin/bank-holidays", { config }, async (request, reply) => {
    const form = parseForm(adjustForm, request.body);
    if (!form.ok)
      return reply
        .code(400)
        .render(
          "requests/calendar/views/bank-holidays.njk",
          await page({ errors: form.errors, values: form.values }),
        );
    try {
      const { recalculated } = await calendar.adjust(request.audit, form.value);
      return reply.redirect(`/admin/bank-holidays?done=1&moved=${recalculated}`, 303);
    } catch (err) {
      if (err instanceof CalendarInputError)
        return reply
          .code(400)
          .render(
            "requests/calendar/views/bank-holidays.njk",
            await page({ errors: fieldError(err.field, err.message), values: form.value }),
          );
      throw err;
    }
  });

  app.post("/admin/bank-holidays/:id/undo", { config }, async (request, reply) => {
    try {
      const { recalculated } = await calendar.undo(
        request.audit,
        (request.params as { id: string }).id,
      );
      return reply.redirect(`/admin/bank-holidays?done=1&moved=${recalculated}`, 303);
    } catch (err) {
      if (err instanceof CalendarInputError) return reply.callNotFound();
      throw err;
    }
  });
}
