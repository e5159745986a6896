import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { anyRole, hasRole, signedIn } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import { type FormErrors, parseForm } from "../../../platform/web/forms.ts";
import { RegisterConflictError, RegisterInputError } from "../errors.ts";
import { formValues } from "../fields.ts";
import { formModel, summaryModel } from "../form-model.ts";
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
} from "../page-helpers.ts";
import { LABELS } from "../vocabularies.ts";
import { FLOW_FIELDS } from "./flow-fields.ts";
import type { Flow, FlowFilter } from "./flows-service.ts";
import { layoutFlows, MAX_NODES } from "./map.ts";

const TABLE_LIMIT = 300;

/** Who links flows to the sharing and processor registers: those who keep the registers. */
const registerKeepers = anyRole("ig-officer", "dpo");

/** A choice from the registers: "agreement:<id>" or "contract:<id>". */
const agreementChoice = z.object({
  register: z
    .string({ message: "Select an agreement or contract from the register" })
    .trim()
    .regex(
      /^(agreement|contract):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      "Select an agreement or contract from the register",
    )
    .transform((v) => {
      const [kind, id] = v.split(":");
      return { kind: kind as "agreement" | "contract", id: id.toLowerCase() };
    }),
});

const KIND_LABELS = { agreement: "Data-sharing agreement", contract: "Processor contract" };

/** The filters shared by the flows list and the map, read from the query string. */
function readFilters(query: Record<string, unknown>) {
  const values = {
    q: queryText(query.q),
    service: queryText(query.service),
    personal: queryText(query.personal),
    special: queryText(query.special),
    external: queryText(query.external),
    international: queryText(query.international),
    agreement: queryText(query.agreement),
  };
  const filter: FlowFilter = {
    search: values.q || undefined,
    serviceAreaId: values.service || undefined,
    personalData: queryYesNo(values.personal),
    specialCategory: queryYesNo(values.special),
    external: queryYesNo(values.external),
    international: queryYesNo(values.international),
    noAgreement: values.agreement === "none" ? true : undefined,
    cover:
      values.agreement === "expired" || values.agreement === "covered"
        ? values.agreement
        : undefined,
  };
  return { values, filter };
}

export async function flowPageRoutes(app: FastifyInstance, services: Services) {
  const { flows } = services;

  async function load(request: FastifyRequest): Promise<Flow> {
    const flow = await flows.get(idParam(request));
    if (!flow) throw notFound("data flow");
    return flow;
  }

  async function filterItems(values: Record<string, string>) {
    const choices = await loadChoices(services);
    return {
      service: [
        { value: "", text: "All service areas" },
        ...choices.serviceAreas.map((s) => ({ ...s, selected: s.value === values.service })),
      ],
      personal: yesNoItems(values.personal),
      special: yesNoItems(values.special),
      external: yesNoItems(values.external),
      international: yesNoItems(values.international),
      agreement: [
        { value: "", text: "Any" },
        {
          value: "none",
          text: "No current agreement or contract",
          selected: values.agreement === "none",
        },
        {
          value: "expired",
          text: "Agreement has expired",
          selected: values.agreement === "expired",
        },
        {
          value: "covered",
          text: "Covered by an agreement",
          selected: values.agreement === "covered",
        },
      ],
      serviceNames: Object.fromEntries(choices.serviceAreas.map((s) => [s.value, s.text])),
    };
  }

  app.get("/flows", { config: { policy: signedIn } }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const { values, filter } = readFilters(q);
    const [result, items] = await Promise.all([
      flows.list({ ...filter, page: queryPage(q.page) }),
      filterItems(values),
    ]);
    const done = queryText(q.done);
    return reply.render("assets/flows/views/list.njk", {
      pageTitle: "Data flows",
      values,
      items,
      result,
      labels: LABELS,
      canCreate: flows.canCreate(request.user),
      pageLink: (n: number) => linkWith("/flows", values, { page: String(n) }),
      mapLink: linkWith("/flows/map", values, {}),
      flash: done === "deleted" ? "Data flow removed" : undefined,
    });
  });

  app.get("/flows/map", { config: { policy: signedIn } }, async (request, reply) => {
    const { values, filter } = readFilters(request.query as Record<string, unknown>);
    const [data, table, items] = await Promise.all([
      flows.mapLinks(filter, MAX_NODES),
      flows.list({ ...filter, pageSize: TABLE_LIMIT }),
      filterItems(values),
    ]);
    const focus = values.service ? items.serviceNames[values.service] : undefined;
    const map = layoutFlows(data, { focusServiceName: focus });
    return reply.render("assets/flows/views/map.njk", {
      pageTitle: "Map of data flows",
      values,
      items,
      map,
      flows: table.items,
      total: table.total,
      truncated: data.links.length >= 5000,
      focus,
      atRiskCount: data.links.reduce((n, l) => n + l.atRisk, 0),
      notCoveredCount: data.links.reduce((n, l) => n + l.notCovered, 0),
      expiredCount: data.links.reduce((n, l) => n + l.expired, 0),
      labels: LABELS,
      listLink: linkWith("/flows", values, {}),
      noneLink: linkWith("/flows/map", values, { agreement: "none" }),
      expiredLink: linkWith("/flows/map", values, { agreement: "expired" }),
    });
  });

  app.get("/flows/at-risk", { config: { policy: signedIn } }, async (request, reply) => {
    const page = queryPage((request.query as Record<string, unknown>).page);
    const result = await flows.list({ atRisk: true, page, pageSize: 50 });
    return reply.render("assets/flows/views/at-risk.njk", {
      pageTitle: "Transfers at risk",
      result,
      labels: LABELS,
      pageLink: (n: number) => `/flows/at-risk?page=${n}`,
    });
  });

  async function renderForm(
    reply: FastifyReply,
    mode: "new" | "edit",
    values: Record<string, unknown>,
    flow?: Flow,
    errors?: FormErrors,
  ) {
    const choices = await loadChoices(services);
    const title = mode === "new" ? "Add a data flow" : `Change ${flow?.reference} ${flow?.name}`;
    return reply.code(errors ? 400 : 200).render("assets/processing/views/form.njk", {
      pageTitle: title,
      title,
      errors,
      values,
      model: formModel(FLOW_FIELDS, values, errors, choices),
      action: mode === "new" ? "/flows" : `/flows/${flow?.id}`,
      cancel: mode === "new" ? "/flows" : `/flows/${flow?.id}`,
      submit: mode === "new" ? "Add data flow" : "Save changes",
    });
  }

  app.get("/flows/new", { config: { policy: signedIn } }, async (request, reply) => {
    if (!flows.canCreate(request.user))
      throw forbidden("Only asset owners and the information governance team can add data flows.");
    const asset = queryText((request.query as Record<string, unknown>).asset, 40);
    return renderForm(
      reply,
      "new",
      formValues(FLOW_FIELDS, asset ? { fromKind: "asset", fromAssetReference: asset } : {}),
    );
  });

  app.post("/flows", { config: { policy: signedIn } }, async (request, reply) => {
    if (!flows.canCreate(request.user))
      throw forbidden("Only asset owners and the information governance team can add data flows.");
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const flow = await flows.create(request.audit, body);
      return reply.redirect(`/flows/${flow.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, "new", body, undefined, err.formErrors);
      throw err;
    }
  });

  async function renderFlow(
    request: FastifyRequest,
    reply: FastifyReply,
    flow: Flow,
    extra: { errors?: FormErrors; values?: Record<string, unknown> } = {},
  ) {
    const canLink = hasRole(request.user, "ig-officer", "dpo");
    const [history, canEdit, choices] = await Promise.all([
      services.audit.search({ entityType: "data-flow", entityId: flow.id, limit: 50 }),
      flows.canEdit(request.user, flow),
      canLink ? flows.agreementChoices() : Promise.resolve([]),
    ]);
    const done = queryText((request.query as Record<string, unknown>).done);
    const overrides = {
      fromAssetReference: flow.fromKind === "asset" ? flow.fromLabel : "",
      toAssetReference: flow.toKind === "asset" ? flow.toLabel : "",
    };
    const linked = new Set(flow.coverage?.linked.map((l) => `${l.kind}:${l.id}`));
    const chosen = String(extra.values?.register ?? "");
    return reply.code(extra.errors ? 400 : 200).render("assets/flows/views/flow.njk", {
      pageTitle: `${flow.reference} ${flow.name}`,
      flow,
      summary: summaryModel(
        FLOW_FIELDS,
        flow as unknown as Record<string, unknown>,
        {
          serviceAreas: {
            ...(flow.fromServiceAreaId
              ? { [flow.fromServiceAreaId]: flow.fromServiceName ?? "" }
              : {}),
            ...(flow.toServiceAreaId ? { [flow.toServiceAreaId]: flow.toServiceName ?? "" } : {}),
          },
        },
        overrides,
      ),
      history: history.events,
      canEdit,
      canLink,
      kindLabels: KIND_LABELS,
      registerItems: [
        { value: "", text: "Choose an agreement or contract" },
        ...choices
          .filter((c) => !linked.has(`${c.kind}:${c.id}`))
          .map((c) => ({
            value: `${c.kind}:${c.id}`,
            text: `${KIND_LABELS[c.kind]} ${c.reference === c.title ? c.title : `${c.reference}: ${c.title}`}${c.partners && c.partners !== c.title ? ` (${c.partners})` : ""}, ${c.stateLabel.toLowerCase()}`,
            selected: chosen === `${c.kind}:${c.id}`,
          })),
      ],
      errors: extra.errors,
      flash:
        done === "created"
          ? "Data flow added"
          : done === "saved"
            ? "Changes saved"
            : done === "linked"
              ? "Agreement or contract linked"
              : done === "unlinked"
                ? "Link removed"
                : undefined,
    });
  }

  app.get("/flows/:id", { config: { policy: signedIn } }, async (request, reply) =>
    renderFlow(request, reply, await load(request)),
  );

  for (const [path, linked] of [
    ["/flows/:id/agreements", true],
    ["/flows/:id/agreements/remove", false],
  ] as const)
    app.post(path, { config: { policy: registerKeepers } }, async (request, reply) => {
      const flow = await load(request);
      const form = parseForm(agreementChoice, request.body);
      if (!form.ok) return renderFlow(request, reply, flow, form);
      try {
        await flows.linkAgreement(request.audit, flow.id, form.value.register, linked);
      } catch (err) {
        if (err instanceof RegisterInputError)
          return renderFlow(request, reply, flow, {
            errors: err.formErrors,
            values: request.body as Record<string, unknown>,
          });
        throw err;
      }
      return reply.redirect(
        `/flows/${flow.id}?done=${linked ? "linked" : "unlinked"}#agreements`,
        303,
      );
    });

  async function mayEdit(request: FastifyRequest, flow: Flow) {
    if (!(await flows.canEdit(request.user, flow)))
      throw forbidden(
        "Only the owners of the assets at either end and the information governance team can change this flow.",
      );
  }

  app.get("/flows/:id/edit", { config: { policy: signedIn } }, async (request, reply) => {
    const flow = await load(request);
    await mayEdit(request, flow);
    return renderForm(
      reply,
      "edit",
      formValues(FLOW_FIELDS, flow as unknown as Record<string, unknown>),
      flow,
    );
  });

  app.post("/flows/:id", { config: { policy: signedIn } }, async (request, reply) => {
    const flow = await load(request);
    await mayEdit(request, flow);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await flows.update(request.audit, flow.id, body);
      return reply.redirect(`/flows/${flow.id}?done=saved`, 303);
    } catch (err) {
      if (err instanceof RegisterInputError)
        return renderForm(reply, "edit", body, flow, err.formErrors);
      if (err instanceof RegisterConflictError) throw notFound("data flow");
      throw err;
    }
  });

  app.post("/flows/:id/delete", { config: { policy: signedIn } }, async (request, reply) => {
    const flow = await load(request);
    await mayEdit(request, flow);
    await flows.remove(request.audit, flow.id);
    return reply.redirect("/flows?done=deleted", 303);
  });
}
