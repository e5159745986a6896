import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { anyRole, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { requireUser } from "../../platform/web/errors.ts";
import { type FormErrors, parseForm } from "../../platform/web/forms.ts";
import { ASSET_FIELDS, ASSET_FORM_FIELDS } from "./asset-fields.ts";
import { ASSET_SORTS, type Asset, type AssetSort } from "./assets-service.ts";
import { RegisterConflictError, RegisterInputError } from "./errors.ts";
import { formValues } from "./fields.ts";
import { formModel, summaryModel } from "./form-model.ts";
import {
  forbidden,
  idParam,
  linkWith,
  loadChoices,
  notFound,
  queryPage,
  queryText,
  queryYesNo,
  yesNoItems,
} from "./page-helpers.ts";
import { DATA_SUBJECT_CATEGORIES, IMPACT, LABELS, LIKELIHOOD, MARKINGS } from "./vocabularies.ts";

const PAGE_SIZE = 25;
const editors = anyRole("asset-owner", "ig-officer", "dpo");

const riskForm = z.object({
  description: z.string().trim().min(1, "Describe the risk").max(2000),
  likelihood: z.coerce
    .number({ error: "Select how likely it is" })
    .int()
    .min(1, "Select how likely it is")
    .max(5, "Select how likely it is"),
  impact: z.coerce
    .number({ error: "Select how bad the impact would be" })
    .int()
    .min(1, "Select how bad the impact would be")
    .max(5, "Select how bad the impact would be"),
  mitigation: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => v || null),
  ownerId: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
});

const reviewNotes = z
  .string()
  .trim()
  .max(2000, "Notes must be 2000 characters or fewer")
  .optional()
  .transform((v) => v || null);

export async function assetPageRoutes(app: FastifyInstance, services: Services) {
  const { assets } = services;

  async function loadAsset(request: FastifyRequest): Promise<Asset> {
    const asset = await assets.get(idParam(request));
    if (!asset) throw notFound("asset");
    return asset;
  }

  function mayEdit(request: FastifyRequest, asset: Asset) {
    if (!assets.canEdit(request.user, asset))
      throw forbidden(
        "Only the asset's owner, information governance officers and the Data Protection Officer can change it.",
      );
  }

  // The register ------------------------------------------------------------------------------
  app.get("/assets", { config: { policy: signedIn } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const values = {
      q: queryText(q.q),
      service: queryText(q.service),
      owner: queryText(q.owner),
      marking: queryText(q.marking),
      personal: queryText(q.personal),
      special: queryText(q.special),
      subject: queryText(q.subject),
      hosted: queryText(q.hosted),
      overdue: queryText(q.overdue),
      sort: queryText(q.sort),
      order: queryText(q.order),
    };
    const sort = (values.sort in ASSET_SORTS ? values.sort : "name") as AssetSort;
    const page = queryPage(q.page);
    const [result, choices, counts] = await Promise.all([
      assets.list({
        search: values.q,
        serviceAreaId: values.service || undefined,
        ownerId: values.owner || undefined,
        marking: values.marking || undefined,
        holdsPersonalData: queryYesNo(values.personal),
        specialCategory: queryYesNo(values.special),
        dataSubjectCategory: values.subject || undefined,
        thirdPartyHosted: queryYesNo(values.hosted),
        reviewOverdue: queryYesNo(values.overdue),
        sort,
        descending: values.order === "desc",
        page,
        pageSize: PAGE_SIZE,
      }),
      loadChoices(services),
      assets.reviewCounts(),
    ]);
    const select = (items: { value: string; text: string }[], selected: string, any: string) => [
      { value: "", text: any },
      ...items.map((i) => ({ ...i, selected: i.value === selected })),
    ];
    const done = queryText(q.done);
    return reply.render("assets/views/list.njk", {
      pageTitle: "Information asset register",
      values,
      result,
      counts,
      canCreate: assets.canCreate(request.user),
      canManage: assets.canManage(request.user),
      flash:
        done === "deleted"
          ? "Asset removed from the register"
          : queryText(q.imported)
            ? `${Number(queryText(q.imported)).toLocaleString("en-GB")} assets imported${
                Number(queryText(q.updated)) > 0
                  ? `, ${Number(queryText(q.updated)).toLocaleString("en-GB")} updated`
                  : ""
              }`
            : undefined,
      items: {
        service: select(choices.serviceAreas, values.service, "All service areas"),
        owner: select(choices.owners, values.owner, "Any owner"),
        marking: select(
          MARKINGS.map((m) => ({ value: m.value, text: m.label })),
          values.marking,
          "Any marking",
        ),
        subject: select(
          DATA_SUBJECT_CATEGORIES.map((m) => ({ value: m.value, text: m.label })),
          values.subject,
          "Anyone",
        ),
        personal: yesNoItems(values.personal),
        special: yesNoItems(values.special),
        hosted: yesNoItems(values.hosted),
        overdue: yesNoItems(values.overdue),
        sort: Object.entries(ASSET_SORTS).map(([value, text]) => ({
          value,
          text,
          selected: value === sort,
        })),
        order: [
          {
            value: "asc",
            text: "Ascending (A to Z, oldest first)",
            selected: values.order !== "desc",
          },
          { value: "desc", text: "Descending", selected: values.order === "desc" },
        ],
      },
      labels: LABELS,
      pageLink: (n: number) => linkWith("/assets", values, { page: String(n) }),
      sortLink: (key: string) =>
        linkWith("/assets", values, {
          sort: key,
          order: sort === key && values.order !== "desc" ? "desc" : "asc",
          page: "",
        }),
      sort,
      descending: values.order === "desc",
    });
  });

  // Adding ------------------------------------------------------------------------------------
  async function renderForm(
    reply: FastifyReply,
    options: {
      mode: "new" | "edit" | "review";
      asset?: Asset;
      values: Record<string, unknown>;
      errors?: FormErrors;
      status?: number;
    },
  ) {
    const choices = await loadChoices(services);
    const { mode, asset } = options;
    const fields =
      mode === "review"
        ? ASSET_FORM_FIELDS.filter((f) => f.name !== "reviewDue")
        : ASSET_FORM_FIELDS;
    return reply.code(options.status ?? 200).render("assets/views/form.njk", {
      pageTitle:
        mode === "new"
          ? "Add an information asset"
          : mode === "review"
            ? `Review ${asset?.reference} ${asset?.name}`
            : `Change ${asset?.reference} ${asset?.name}`,
      mode,
      asset,
      errors: options.errors,
      values: options.values,
      model: formModel(fields, options.values, options.errors, choices),
      action:
        mode === "new"
          ? "/assets"
          : mode === "review"
            ? `/assets/${asset?.id}/review`
            : `/assets/${asset?.id}`,
      cancel: mode === "new" ? "/assets" : `/assets/${asset?.id}`,
    });
  }

  app.get("/assets/new", { config: { policy: editors } }, async (request, reply) => {
    const user = requireUser(request);
    return renderForm(reply, {
      mode: "new",
      values: formValues(ASSET_FORM_FIELDS, {
        marking: "official",
        ownerId: user.roles.includes("asset-owner") ? user.id : "",
      }),
    });
  });

  app.post("/assets", { config: { policy: editors } }, async (request, reply) => {
    const user = requireUser(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Owners add assets for themselves; the IG team and DPO may name anyone.
    if (!assets.canManage(user) && body.ownerId !== user.id) body.ownerId = user.id;
    try {
      const asset = await assets.create(request.audit, body);
      return reply.redirect(`/assets/${asset.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, {
          mode: "new",
          values: body,
          errors: err.formErrors,
          status: 400,
        });
      throw err;
    }
  });

  // One asset -----------------------------------------------------------------------------------
  app.get("/assets/:id", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    const [risks, reviews, history, activities, flows, importEvents] = await Promise.all([
      assets.risks(asset.id),
      assets.reviews(asset.id),
      services.audit.search({ entityType: "asset", entityId: asset.id, limit: 50 }),
      services.processing.forAsset(asset.id),
      services.flows.forAsset(asset.id),
      asset.importId
        ? services.audit.search({ entityType: "asset-import", entityId: asset.importId, limit: 1 })
        : Promise.resolve({ events: [], hasMore: false }),
    ]);
    const done = queryText((request.query as Record<string, unknown>).done);
    const flashes: Record<string, string> = {
      created: "Asset added to the register",
      saved: "Changes saved",
      reviewed: "Review recorded. Thank you",
      "risk-added": "Risk added",
      "risk-removed": "Risk removed",
    };
    const names = {
      users: {
        ...(asset.ownerId ? { [asset.ownerId]: asset.ownerLabel ?? "" } : {}),
        ...(asset.administratorId
          ? { [asset.administratorId]: asset.administratorLabel ?? "" }
          : {}),
      },
      serviceAreas: asset.serviceAreaId
        ? { [asset.serviceAreaId]: asset.serviceAreaName ?? "" }
        : {},
    };
    const overrides: Record<string, string> = {};
    if (!asset.ownerId && asset.ownerPending)
      overrides.ownerId = `${asset.ownerPending} (named in an imported sheet; no account yet)`;
    if (!asset.administratorId && asset.administratorPending)
      overrides.administratorId = `${asset.administratorPending} (named in an imported sheet; no account yet)`;
    const warnings: string[] = [];
    if (asset.specialCategory && asset.specialConditions.length === 0)
      warnings.push("It holds special category data but no Art. 9 condition is recorded.");
    if (asset.holdsPersonalData && asset.lawfulBases.length === 0)
      warnings.push("It holds personal data but no Art. 6 lawful basis is recorded.");
    if (!asset.ownerId) warnings.push("It has no Information Asset Owner with an account.");
    if (asset.reviewOverdue) warnings.push(`Its annual review was due on ${asset.reviewDue}.`);
    return reply.render("assets/views/asset.njk", {
      pageTitle: `${asset.reference} ${asset.name}`,
      asset,
      summary: summaryModel(
        ASSET_FIELDS,
        asset as unknown as Record<string, unknown>,
        names,
        overrides,
      ),
      risks,
      reviews: reviews.map((r) => ({
        ...r,
        corrected: Object.keys(r.changes ?? {})
          .map((name) => ASSET_FIELDS.find((f) => f.name === name)?.label ?? name)
          .join(", "),
      })),
      history: [...history.events, ...importEvents.events],
      activities,
      flows,
      warnings,
      canEdit: assets.canEdit(request.user, asset),
      canManage: assets.canManage(request.user),
      isOwner: request.user?.id === asset.ownerId,
      labels: LABELS,
      flash: done ? flashes[done] : undefined,
    });
  });

  app.get("/assets/:id/edit", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    return renderForm(reply, {
      mode: "edit",
      asset,
      values: formValues(ASSET_FORM_FIELDS, asset as unknown as Record<string, unknown>),
    });
  });

  app.post("/assets/:id", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    const body = { ...((request.body ?? {}) as Record<string, unknown>) };
    // An owner cannot hand their asset to someone else; the IG team reassigns owners.
    if (!assets.canManage(request.user)) body.ownerId = asset.ownerId ?? "";
    body.lastReviewed = asset.lastReviewed;
    try {
      await assets.update(request.audit, asset.id, body);
      return reply.redirect(`/assets/${asset.id}?done=saved`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, {
          mode: "edit",
          asset,
          values: body,
          errors: err.formErrors,
          status: 400,
        });
      if (err instanceof RegisterConflictError) throw notFound("asset");
      throw err;
    }
  });

  // Annual review -------------------------------------------------------------------------------
  app.get("/assets/:id/review", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    return renderForm(reply, {
      mode: "review",
      asset,
      values: formValues(ASSET_FORM_FIELDS, asset as unknown as Record<string, unknown>),
    });
  });

  app.post("/assets/:id/review", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    const body = { ...((request.body ?? {}) as Record<string, unknown>) };
    if (!assets.canManage(request.user)) body.ownerId = asset.ownerId ?? "";
    const notes = reviewNotes.safeParse(body.reviewNotes);
    try {
      if (!notes.success)
        throw new RegisterInputError([
          { field: "reviewNotes", message: notes.error.issues[0].message },
        ]);
      await assets.review(request.audit, asset.id, body, notes.data);
      return reply.redirect(`/assets/${asset.id}?done=reviewed`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, {
          mode: "review",
          asset,
          values: body,
          errors: err.formErrors,
          status: 400,
        });
      throw err;
    }
  });

  app.get("/assets/reviews", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const canManage = assets.canManage(user);
    const [mine, overdue, counts] = await Promise.all([
      assets.ownedBy(user.id),
      canManage
        ? assets.list({ reviewOverdue: true, sort: "reviewDue", pageSize: 200 })
        : Promise.resolve(undefined),
      assets.reviewCounts(),
    ]);
    return reply.render("assets/views/reviews.njk", {
      pageTitle: "Asset reviews",
      mine,
      overdue,
      counts,
      canManage,
    });
  });

  // Risks ---------------------------------------------------------------------------------------
  async function renderRisk(
    reply: FastifyReply,
    asset: Asset,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const choices = await loadChoices(services);
    const pick = (list: readonly { value: string; label: string }[], selected: unknown) => [
      { value: "", text: "Select one" },
      ...list.map((i) => ({
        value: i.value,
        text: i.label,
        selected: String(selected ?? "") === i.value,
      })),
    ];
    return reply.code(errors ? 400 : 200).render("assets/views/risk-new.njk", {
      pageTitle: `Add a risk to ${asset.reference} ${asset.name}`,
      asset,
      values,
      errors,
      likelihoodItems: pick(LIKELIHOOD, values.likelihood),
      impactItems: pick(IMPACT, values.impact),
      ownerItems: [
        { value: "", text: "Not recorded" },
        ...choices.users.map((u) => ({ ...u, selected: u.value === values.ownerId })),
      ],
    });
  }

  app.get("/assets/:id/risks/new", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    return renderRisk(reply, asset, {});
  });

  app.post("/assets/:id/risks", { config: { policy: signedIn } }, async (request, reply) => {
    const asset = await loadAsset(request);
    mayEdit(request, asset);
    const form = parseForm(riskForm, request.body);
    if (!form.ok) return renderRisk(reply, asset, form.values, form.errors);
    try {
      await assets.addRisk(request.audit, asset.id, form.value);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderRisk(
          reply,
          asset,
          form.value as unknown as Record<string, unknown>,
          err.formErrors,
        );
      throw err;
    }
    return reply.redirect(`/assets/${asset.id}?done=risk-added#risks`, 303);
  });

  app.post(
    "/assets/:id/risks/:riskId/delete",
    { config: { policy: signedIn } },
    async (request, reply) => {
      const asset = await loadAsset(request);
      mayEdit(request, asset);
      try {
        await assets.removeRisk(
          request.audit,
          asset.id,
          (request.params as { riskId: string }).riskId,
        );
      } catch (err) {
        if (err instanceof RegisterConflictError) throw notFound("risk");
        throw err;
      }
      return reply.redirect(`/assets/${asset.id}?done=risk-removed#risks`, 303);
    },
  );

  // Removing ------------------------------------------------------------------------------------
  app.get(
    "/assets/:id/delete",
    { config: { policy: anyRole("ig-officer", "dpo") } },
    async (request, reply) => {
      const asset = await loadAsset(request);
      return reply.render("assets/views/delete.njk", {
        pageTitle: `Remove ${asset.reference} ${asset.name}`,
        asset,
      });
    },
  );

  app.post(
    "/assets/:id/delete",
    { config: { policy: anyRole("ig-officer", "dpo") } },
    async (request, reply) => {
      const asset = await loadAsset(request);
      try {
        await assets.remove(request.audit, asset.id);
      } catch (err) {
        if (err instanceof RegisterConflictError)
          return reply.code(409).render("assets/views/delete.njk", {
            pageTitle: `Remove ${asset.reference} ${asset.name}`,
            asset,
            errors: { list: [{ text: err.message, href: "#confirm" }], byField: {} },
          });
        throw err;
      }
      return reply.redirect("/assets?done=deleted", 303);
    },
  );
}
