import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { anyRole, signedIn } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import type { FormErrors } from "../../../platform/web/forms.ts";
import { RegisterConflictError, RegisterInputError } from "../errors.ts";
import { formValues } from "../fields.ts";
import { formModel, summaryModel } from "../form-model.ts";
import { idParam, linkWith, loadChoices, notFound, queryPage, queryText } from "../page-helpers.ts";
import { PROCESSING_FIELDS } from "./processing-fields.ts";
import type { ProcessingActivity } from "./processing-service.ts";
import { ropaCsv, ropaWorkbook } from "./ropa.ts";

const keepers = anyRole("ig-officer", "dpo");

export async function processingPageRoutes(app: FastifyInstance, services: Services) {
  const { processing } = services;

  async function load(request: FastifyRequest): Promise<ProcessingActivity> {
    const activity = await processing.get(idParam(request));
    if (!activity) throw notFound("processing activity");
    return activity;
  }

  app.get("/processing", { config: { policy: signedIn } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const values = { q: queryText(q.q), service: queryText(q.service) };
    const [result, choices] = await Promise.all([
      processing.list({
        search: values.q,
        serviceAreaId: values.service || undefined,
        page: queryPage(q.page),
      }),
      loadChoices(services),
    ]);
    const done = queryText(q.done);
    return reply.render("assets/processing/views/list.njk", {
      pageTitle: "Record of processing activities",
      values,
      result,
      canEdit: processing.canEdit(request.user),
      serviceItems: [
        { value: "", text: "All service areas" },
        ...choices.serviceAreas.map((s) => ({ ...s, selected: s.value === values.service })),
      ],
      pageLink: (n: number) => linkWith("/processing", values, { page: String(n) }),
      flash: done === "deleted" ? "Processing activity removed from the record" : undefined,
    });
  });

  app.get("/processing/export.xlsx", { config: { policy: signedIn } }, async (_request, reply) => {
    const body = await ropaWorkbook(services);
    return reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", 'attachment; filename="record-of-processing.xlsx"')
      .send(body);
  });

  app.get("/processing/export.csv", { config: { policy: signedIn } }, async (_request, reply) => {
    const body = await ropaCsv(services);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="record-of-processing.csv"')
      .send(body);
  });

  async function renderForm(
    reply: FastifyReply,
    mode: "new" | "edit",
    values: Record<string, unknown>,
    activity?: ProcessingActivity,
    errors?: FormErrors,
  ) {
    const choices = await loadChoices(services);
    const title =
      mode === "new"
        ? "Add a processing activity"
        : `Change ${activity?.reference} ${activity?.name}`;
    return reply.code(errors ? 400 : 200).render("assets/processing/views/form.njk", {
      pageTitle: title,
      title,
      errors,
      values,
      model: formModel(PROCESSING_FIELDS, values, errors, choices),
      action: mode === "new" ? "/processing" : `/processing/${activity?.id}`,
      cancel: mode === "new" ? "/processing" : `/processing/${activity?.id}`,
      submit: mode === "new" ? "Add processing activity" : "Save changes",
    });
  }

  app.get("/processing/new", { config: { policy: keepers } }, async (request, reply) => {
    const asset = queryText((request.query as Record<string, unknown>).asset);
    return renderForm(reply, "new", formValues(PROCESSING_FIELDS, { assetReferences: asset }));
  });

  app.post("/processing", { config: { policy: keepers } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const activity = await processing.create(request.audit, body);
      return reply.redirect(`/processing/${activity.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, "new", body, undefined, err.formErrors);
      throw err;
    }
  });

  app.get("/processing/:id", { config: { policy: signedIn } }, async (request, reply) => {
    const activity = await load(request);
    const history = await services.audit.search({
      entityType: "processing-activity",
      entityId: activity.id,
      limit: 50,
    });
    const done = queryText((request.query as Record<string, unknown>).done);
    const names = {
      users: activity.ownerId ? { [activity.ownerId]: activity.ownerLabel ?? "" } : {},
      serviceAreas: activity.serviceAreaId
        ? { [activity.serviceAreaId]: activity.serviceAreaName ?? "" }
        : {},
    };
    return reply.render("assets/processing/views/activity.njk", {
      pageTitle: `${activity.reference} ${activity.name}`,
      activity,
      summary: summaryModel(
        PROCESSING_FIELDS.filter((f) => f.name !== "assetReferences"),
        activity as unknown as Record<string, unknown>,
        names,
      ),
      history: history.events,
      canEdit: processing.canEdit(request.user),
      flash:
        done === "created"
          ? "Processing activity added"
          : done === "saved"
            ? "Changes saved"
            : undefined,
    });
  });

  app.get("/processing/:id/edit", { config: { policy: keepers } }, async (request, reply) => {
    const activity = await load(request);
    return renderForm(
      reply,
      "edit",
      formValues(PROCESSING_FIELDS, activity as unknown as Record<string, unknown>),
      activity,
    );
  });

  app.post("/processing/:id", { config: { policy: keepers } }, async (request, reply) => {
    const activity = await load(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await processing.update(request.audit, activity.id, body);
      return reply.redirect(`/processing/${activity.id}?done=saved`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, "edit", body, activity, err.formErrors);
      if (err instanceof RegisterConflictError) throw notFound("processing activity");
      throw err;
    }
  });

  app.post("/processing/:id/delete", { config: { policy: keepers } }, async (request, reply) => {
    const activity = await load(request);
    await processing.remove(request.audit, activity.id);
    return reply.redirect("/processing?done=deleted", 303);
  });
}
