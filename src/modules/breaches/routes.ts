import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { hasRole, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../platform/web/forms.ts";
import { type Block, buildDocx } from "../dpia/docx.ts";
import { BREACH_MATRIX } from "./assessment.ts";
import { type BreachCase, BreachInputError, type Outcome } from "./breaches-service.ts";
import { ALERT_POINTS } from "./clock.ts";
import {
  clean,
  dateTimeValues,
  mergeErrors,
  optionalText,
  readDateTime,
  viewHelpers,
} from "./form-helpers.ts";
import { icoReportSections, icoReportText } from "./ico-report.ts";
import { igTeam } from "./policy.ts";
import { barChartSvg, trendsFor } from "./trends.ts";
import {
  CAUSES,
  CIA,
  DATA_CATEGORIES,
  LIKELIHOODS,
  labelOf,
  labelsOf,
  METHODS,
  type Option,
  OUTCOMES,
  RECIPIENTS,
  SEVERITIES,
  SUBJECT_TYPES,
  values,
  YES_NO_UNKNOWN,
} from "./vocabularies.ts";

export { igTeam };

const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
const choice = (options: Option[], message: string) =>
  z.preprocess(blank, z.enum(values(options), { message }).optional());
const many = (options: Option[]) =>
  z.preprocess(asArray, z.array(z.enum(values(options), { message: "Choose from the list" })));
const count = (message: string) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ message })
      .int(message)
      .min(0, message)
      .max(1_000_000_000, message)
      .optional(),
  );
const text = (max = 5000) =>
  z.string({ message: "Enter text" }).trim().max(max, `Use ${max} characters or fewer`).optional();
const yesNo = (v: string | undefined) => (v === "yes" ? true : v === "no" ? false : null);

const reportForm = z.object({
  summary: z
    .string({ message: "Describe what happened" })
    .trim()
    .min(1, "Describe what happened")
    .max(5000, "Use 5000 characters or fewer"),
  dataInvolved: z
    .string({ message: "Say what information was involved, as far as you know" })
    .trim()
    .min(1, "Say what information was involved, as far as you know")
    .max(5000, "Use 5000 characters or fewer"),
  whoKnows: text(2000),
});

const triageForm = z.object({
  title: z
    .string({ message: "Give the breach a short title" })
    .trim()
    .min(1, "Give the breach a short title")
    .max(120, "Use 120 characters or fewer"),
  awareAtNote: text(2000),
  serviceAreaId: z.preprocess(
    blank,
    z
      .string({ message: "Choose a service area from the list" })
      .uuid("Choose a service area from the list")
      .optional(),
  ),
  howDiscovered: text(),
  cause: choice(CAUSES, "Choose a type of breach from the list"),
  assetIds: z.preprocess(asArray, z.array(z.string().uuid("Choose assets from the list"))),
  dataCategories: many(DATA_CATEGORIES),
  subjectTypes: many(SUBJECT_TYPES),
  recordsCount: count("Enter the number of records as a whole number, like 250"),
  peopleCount: count("Enter the number of people as a whole number, like 250"),
  consequences: text(),
  likelihood: choice(LIKELIHOODS, "Choose how likely significant consequences are"),
  severity: choice(SEVERITIES, "Choose how severe the consequences could be"),
  isCyber: choice(YES_NO_UNKNOWN, "Choose yes, no or not known"),
  cia: many(CIA),
  staffInvolved: choice(YES_NO_UNKNOWN, "Choose yes, no or not known"),
  staffTrained: choice(YES_NO_UNKNOWN, "Choose yes, no or not known"),
  trainingDetail: text(2000),
  encrypted: choice(YES_NO_UNKNOWN, "Choose yes, no or not known"),
  recovered: choice(YES_NO_UNKNOWN, "Choose yes, no or not known"),
  containment: text(),
  recovery: text(),
  othersTold: text(2000),
});

const decisionForm = z.object({
  decision: z.enum(values(OUTCOMES), { message: "Choose a decision" }),
  rationale: text(5000),
});

const notificationForm = z.object({
  recipient: z.enum(values(RECIPIENTS), { message: "Choose who was told" }),
  reference: text(200),
  method: choice(METHODS, "Choose how they were told"),
  peopleCount: count("Enter the number of people as a whole number, like 250"),
  details: text(2000),
  delayReason: text(5000),
});

const actionForm = z.object({
  description: z
    .string({ message: "Describe the action" })
    .trim()
    .min(1, "Describe the action")
    .max(2000, "Use 2000 characters or fewer"),
  ownerName: z
    .string({ message: "Enter who owns the action" })
    .trim()
    .min(1, "Enter who owns the action")
    .max(200, "Use 200 characters or fewer"),
  dueOn: z.preprocess(
    blank,
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter the due date as a real date, like 2025-06-30")
      .refine(
        (v) =>
          !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) &&
          new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
        "Enter the due date as a real date, like 2025-06-30",
      )
      .optional(),
  ),
});

const lessonsForm = z.object({
  lessons: z
    .string({ message: "Enter the lessons learned" })
    .trim()
    .min(1, "Enter the lessons learned")
    .max(10000, "Use 10000 characters or fewer"),
});
const closeForm = z.object({
  closureSummary: z
    .string({ message: "Summarise how the breach was resolved" })
    .trim()
    .min(1, "Summarise how the breach was resolved")
    .max(5000, "Use 5000 characters or fewer"),
});
const delayForm = z.object({
  delayReason: z
    .string({ message: "Give the reasons for the delay" })
    .trim()
    .min(1, "Give the reasons for the delay")
    .max(5000, "Use 5000 characters or fewer"),
});

const options = {
  causes: CAUSES,
  dataCategories: DATA_CATEGORIES,
  subjectTypes: SUBJECT_TYPES,
  likelihoods: LIKELIHOODS,
  severities: SEVERITIES,
  cia: CIA,
  yesNoUnknown: YES_NO_UNKNOWN,
  outcomes: OUTCOMES,
  recipients: RECIPIENTS,
  methods: METHODS,
};

const label = (list: keyof typeof options, value: string | null | undefined) =>
  labelOf(options[list], value);
const labels = (list: keyof typeof options, vals: string[]) => labelsOf(options[list], vals);
/** Items for GOV.UK radios and checkboxes, with the chosen ones marked. */
const choices = (list: keyof typeof options, selected: unknown) => {
  const chosen = asArray(selected);
  return options[list].map((o) => ({
    value: o.value,
    text: o.text,
    hint: o.hint ? { text: o.hint } : undefined,
    checked: chosen.includes(o.value),
  }));
};
const helpers = {
  ...viewHelpers,
  label,
  labels,
  choices,
  options,
  matrix: BREACH_MATRIX,
  alertPoints: ALERT_POINTS,
};

const yesNoValue = (v: boolean | null) => (v === null ? "not-known" : v ? "yes" : "no");

export async function breachesRoutes(app: FastifyInstance, services: Services) {
  const { breaches } = services;

  async function loadCase(request: FastifyRequest, purpose = "viewed"): Promise<BreachCase> {
    const id = (request.params as { id: string }).id;
    const c = await breaches.get(request.audit, id, purpose);
    if (!c) throw new HttpError(404, "There is no breach with that reference.");
    return c;
  }

  async function serviceAreaItems(selected: string | null | undefined) {
    const areas = await services.organisation.serviceAreas();
    return [
      { value: "", text: "Choose a service area" },
      ...areas.map((a) => ({ value: a.id, text: a.name, selected: a.id === selected })),
    ];
  }

  // ---- Report: anyone on the staff ----

  const reportPage = (reply: FastifyReply, values: Record<string, unknown>, errors?: FormErrors) =>
    reply.code(errors ? 400 : 200).render("breaches/views/report.njk", {
      pageTitle: "Report a data breach",
      values,
      errors,
    });

  app.get("/breaches/report", { config: { policy: signedIn } }, (_request, reply) =>
    reportPage(reply, dateTimeValues("discovered", new Date())),
  );

  app.post("/breaches/report", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const form = parseForm(reportForm, clean(request.body));
    const occurred = readDateTime(request.body, "occurred", "it happened", false);
    const discovered = readDateTime(request.body, "discovered", "you found out", true);
    let errors: FormErrors | undefined = form.ok ? undefined : form.errors;
    if (!occurred.ok) errors = mergeErrors(errors, occurred.errors);
    if (!discovered.ok) errors = mergeErrors(errors, discovered.errors);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    if (errors || !form.ok || !occurred.ok || !discovered.ok) return reportPage(reply, raw, errors);
    try {
      const breach = await breaches.report(request.audit, user.id, {
        summary: form.value.summary,
        dataInvolved: form.value.dataInvolved,
        whoKnows: optionalText(form.value.whoKnows),
        occurredAt: occurred.value,
        discoveredAt: discovered.value,
      });
      return reply.redirect(`/breaches/report/${breach.id}/received`, 303);
    } catch (err) {
      if (err instanceof BreachInputError) {
        const field =
          err.field === "occurred" || err.field === "discovered" ? `${err.field}-day` : err.field;
        return reportPage(reply, raw, fieldError(field, err.message));
      }
      throw err;
    }
  });

  app.get(
    "/breaches/report/:id/received",
    { config: { policy: signedIn } },
    async (request, reply) => {
      const user = requireUser(request);
      const receipt = await breaches.receipt(request.audit, (request.params as { id: string }).id);
      if (
        !receipt ||
        (receipt.reportedBy !== user.id && !hasRole(user, "ig-officer", "dpo", "siro"))
      )
        throw new HttpError(404, "There is no report with that reference.");
      return reply.render("breaches/views/received.njk", {
        pageTitle: "Breach report received",
        receipt,
        ...helpers,
      });
    },
  );

  app.get("/breaches/my-reports", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    return reply.render("breaches/views/my-reports.njk", {
      pageTitle: "Your breach reports",
      reports: await breaches.reportsBy(user.id),
      ...helpers,
    });
  });

  // ---- The team ----

  app.get("/breaches", { config: { policy: igTeam } }, async (request, reply) => {
    const state = (request.query as { state?: string }).state;
    const chosen = state === "closed" || state === "all" ? state : "open";
    const items = await breaches.list({ state: chosen });
    await services.audit.record(request.audit, {
      action: "view",
      entityType: "breach-list",
      summary: `Breach list (${chosen}) viewed`,
    });
    return reply.render("breaches/views/list.njk", {
      pageTitle: "Personal data breaches",
      items,
      state: chosen,
      ...helpers,
    });
  });

  app.get("/breaches/trends", { config: { policy: igTeam } }, async (request, reply) => {
    const q = request.query as { year?: string };
    const all = await breaches.all();
    const areas = await services.organisation.serviceAreas();
    const trends = trendsFor(all, {
      year: q.year && /^\d{4}$/.test(q.year) ? Number(q.year) : undefined,
      serviceAreaName: (id) => areas.find((a) => a.id === id)?.name ?? "Not recorded",
    });
    await services.audit.record(request.audit, {
      action: "view",
      entityType: "breach-trends",
      summary: "Breach trends viewed",
    });
    const charts = [
      { id: "by-service", title: "By service area", unit: "Service area", bars: trends.byService },
      { id: "by-cause", title: "By cause", unit: "Type of breach", bars: trends.byCause },
      {
        id: "by-category",
        title: "By category of data",
        unit: "Category of data",
        bars: trends.byCategory,
      },
      {
        id: "to-contain",
        title: "Time to contain",
        unit: "Time after awareness",
        bars: trends.timeToContain,
      },
      {
        id: "to-report",
        title: "Time to report to the ICO",
        unit: "Time after awareness",
        bars: trends.timeToReport,
      },
    ].map((ch) => ({ ...ch, svg: barChartSvg(ch.bars) }));
    return reply.render("breaches/views/trends.njk", {
      pageTitle: "Breach trends",
      trends,
      charts,
      ...helpers,
    });
  });

  app.get("/breaches/:id", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request);
    return renderCase(request, reply, c);
  });

  async function renderCase(
    request: FastifyRequest,
    reply: FastifyReply,
    c: BreachCase,
    extra: Record<string, unknown> = {},
  ) {
    const [areas, assets, roles] = await Promise.all([
      services.organisation.serviceAreas(),
      breaches.assetOptions(),
      services.organisation.governanceRoles(),
    ]);
    const done = (request.query as { done?: string }).done;
    const flashes: Record<string, string> = {
      assessed: "Assessment saved",
      decided: "Decision recorded",
      notified: "Notification recorded",
      action: "Action added",
      "action-done": "Action marked as done",
      lessons: "Lessons learned saved",
      closed: "Breach closed",
      reopened: "Breach reopened",
      delay: "Reasons for delay recorded",
    };
    return reply.code(extra.errors ? 400 : 200).render("breaches/views/case.njk", {
      pageTitle: `${c.breach.reference}: ${c.breach.title}`,
      c,
      b: c.breach,
      serviceArea: areas.find((a) => a.id === c.breach.serviceAreaId)?.name,
      assetNames: assets.filter((a) => c.breach.assetIds.includes(a.id)).map((a) => a.name),
      governance: roles.filter((r) => r.role === "dpo" || r.role === "siro"),
      closureProblems: breaches.closureProblems(c),
      decisionItems: (checked: unknown) =>
        OUTCOMES.map((o) => ({
          value: o.value,
          text: o.text + (o.value === c.assessment.outcome ? " (recommended)" : ""),
          checked: o.value === checked,
        })),
      values: {
        decision: c.breach.decision ?? c.assessment.outcome,
        rationale: c.breach.decisionRationale,
        lessons: c.breach.lessonsLearned,
      },
      flash: done ? flashes[done] : undefined,
      ...helpers,
      ...extra,
    });
  }

  // ---- Assessment (triage) ----

  async function triagePage(
    reply: FastifyReply,
    c: BreachCase,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const assets = await breaches.assetOptions();
    return reply.code(errors ? 400 : 200).render("breaches/views/assess.njk", {
      pageTitle: `Assess ${c.breach.reference}`,
      c,
      b: c.breach,
      values,
      errors,
      assets,
      serviceAreas: await serviceAreaItems(String(values.serviceAreaId ?? "")),
      ...helpers,
    });
  }

  app.get("/breaches/:id/assess", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request);
    const b = c.breach;
    return triagePage(reply, c, {
      ...b,
      isCyber: b.isCyber === null ? undefined : yesNoValue(b.isCyber),
      staffInvolved: b.staffInvolved === null ? undefined : yesNoValue(b.staffInvolved),
      recovered: b.recovered === null ? undefined : yesNoValue(b.recovered),
      ...dateTimeValues("aware", b.awareAt),
      ...dateTimeValues("contained", b.containedAt),
    });
  });

  app.post("/breaches/:id/assess", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "opened for assessment");
    const form = parseForm(triageForm, clean(request.body));
    const aware = readDateTime(request.body, "aware", "the council became aware", true);
    const contained = readDateTime(request.body, "contained", "it was contained", false);
    let errors: FormErrors | undefined = form.ok ? undefined : form.errors;
    if (!aware.ok) errors = mergeErrors(errors, aware.errors);
    if (!contained.ok) errors = mergeErrors(errors, contained.errors);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const again = (e: FormErrors) =>
      triagePage(
        reply,
        c,
        {
          ...raw,
          assetIds: asArray(raw.assetIds),
          dataCategories: asArray(raw.dataCategories),
          subjectTypes: asArray(raw.subjectTypes),
          cia: asArray(raw.cia),
        },
        e,
      );
    if (errors || !form.ok || !aware.ok || !contained.ok)
      return again(errors ?? fieldError("form", "Check the form"));
    const v = form.value;
    if (
      v.serviceAreaId &&
      !(await services.organisation.serviceAreas()).some((a) => a.id === v.serviceAreaId)
    )
      return again(fieldError("serviceAreaId", "Choose a service area from the list"));
    // Choosing an asset brings in what it holds: categories of data and of people, and special category flags.
    const assets = await breaches.assetOptions();
    const added = assets.filter(
      (a) => v.assetIds.includes(a.id) && !c.breach.assetIds.includes(a.id),
    );
    const known = new Set(assets.map((a) => a.id));
    const dataCategories = [
      ...new Set([...v.dataCategories, ...added.flatMap((a) => a.dataCategories)]),
    ];
    const subjectTypes = [...new Set([...v.subjectTypes, ...added.flatMap((a) => a.subjectTypes)])];
    try {
      await breaches.triage(request.audit, c.breach.id, {
        title: v.title,
        awareAt: aware.value as Date,
        awareAtNote: optionalText(v.awareAtNote),
        serviceAreaId: v.serviceAreaId ?? added.find((a) => a.serviceAreaId)?.serviceAreaId ?? null,
        howDiscovered: optionalText(v.howDiscovered),
        cause: v.cause ?? null,
        dataCategories,
        subjectTypes,
        recordsCount: v.recordsCount ?? null,
        peopleCount: v.peopleCount ?? null,
        assetIds: v.assetIds.filter((id) => known.has(id) || c.breach.assetIds.includes(id)),
        consequences: optionalText(v.consequences),
        likelihood: v.likelihood ?? null,
        severity: v.severity ?? null,
        isCyber: yesNo(v.isCyber),
        cia: v.cia,
        staffInvolved: yesNo(v.staffInvolved),
        staffTrained: v.staffTrained ?? null,
        trainingDetail: optionalText(v.trainingDetail),
        encrypted: v.encrypted ?? null,
        recovered: yesNo(v.recovered),
        containedAt: contained.value,
        containment: optionalText(v.containment),
        recovery: optionalText(v.recovery),
        othersTold: optionalText(v.othersTold),
      });
    } catch (err) {
      if (err instanceof BreachInputError) {
        const field =
          err.field === "aware" || err.field === "contained" ? `${err.field}-day` : err.field;
        return again(fieldError(field, err.message));
      }
      throw err;
    }
    return reply.redirect(`/breaches/${c.breach.id}?done=assessed#assessment`, 303);
  });

  // ---- Decision, notifications, actions, lessons, closure ----

  app.post("/breaches/:id/decision", { config: { policy: igTeam } }, async (request, reply) => {
    const user = requireUser(request);
    const c = await loadCase(request, "opened for a decision");
    const form = parseForm(decisionForm, clean(request.body));
    if (!form.ok)
      return renderCase(request, reply, c, { errors: form.errors, values: form.values });
    try {
      await breaches.decide(request.audit, c.breach.id, user.id, {
        decision: form.value.decision as Outcome,
        rationale: optionalText(form.value.rationale),
      });
    } catch (err) {
      if (err instanceof BreachInputError)
        return renderCase(request, reply, c, {
          errors: fieldError(err.field, err.message),
          values: form.value,
        });
      throw err;
    }
    return reply.redirect(`/breaches/${c.breach.id}?done=decided#decision`, 303);
  });

  const notificationPage = (
    reply: FastifyReply,
    c: BreachCase,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    reply.code(errors ? 400 : 200).render("breaches/views/notification.njk", {
      pageTitle: `Record a notification for ${c.breach.reference}`,
      c,
      b: c.breach,
      values,
      errors,
      pastDeadline: Date.now() > c.clock.deadline.getTime() && !c.breach.delayReason,
      ...helpers,
    });

  app.get(
    "/breaches/:id/notifications/new",
    { config: { policy: igTeam } },
    async (request, reply) => {
      const c = await loadCase(request);
      const recipient = (request.query as { recipient?: string }).recipient;
      return notificationPage(reply, c, {
        recipient: RECIPIENTS.some((r) => r.value === recipient) ? recipient : undefined,
        ...dateTimeValues("notified", new Date()),
      });
    },
  );

  app.post(
    "/breaches/:id/notifications",
    { config: { policy: igTeam } },
    async (request, reply) => {
      const user = requireUser(request);
      const c = await loadCase(request, "opened to record a notification");
      const form = parseForm(notificationForm, clean(request.body));
      const when = readDateTime(request.body, "notified", "they were told", true);
      let errors: FormErrors | undefined = form.ok ? undefined : form.errors;
      if (!when.ok) errors = mergeErrors(errors, when.errors);
      const raw = (request.body ?? {}) as Record<string, unknown>;
      if (errors || !form.ok || !when.ok) return notificationPage(reply, c, raw, errors);
      try {
        await breaches.recordNotification(request.audit, c.breach.id, user.id, {
          recipient: form.value.recipient,
          notifiedAt: when.value as Date,
          reference: optionalText(form.value.reference),
          method: form.value.method ?? null,
          peopleCount: form.value.peopleCount ?? null,
          details: optionalText(form.value.details),
          delayReason: optionalText(form.value.delayReason),
        });
      } catch (err) {
        if (err instanceof BreachInputError) {
          const field = err.field === "notified" ? "notified-day" : err.field;
          return notificationPage(reply, c, raw, fieldError(field, err.message));
        }
        throw err;
      }
      return reply.redirect(`/breaches/${c.breach.id}?done=notified#notifications`, 303);
    },
  );

  app.post("/breaches/:id/delay-reason", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "opened to record reasons for delay");
    const form = parseForm(delayForm, clean(request.body));
    if (!form.ok) return renderCase(request, reply, c, { errors: form.errors });
    await breaches.setDelayReason(request.audit, c.breach.id, form.value.delayReason);
    return reply.redirect(`/breaches/${c.breach.id}?done=delay#clock`, 303);
  });

  app.post("/breaches/:id/actions", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "opened to add an action");
    const form = parseForm(actionForm, clean(request.body));
    if (!form.ok)
      return renderCase(request, reply, c, { errors: form.errors, actionValues: form.values });
    await breaches.addAction(request.audit, c.breach.id, {
      description: form.value.description,
      ownerName: form.value.ownerName,
      dueOn: form.value.dueOn ?? null,
    });
    return reply.redirect(`/breaches/${c.breach.id}?done=action#actions`, 303);
  });

  app.post(
    "/breaches/:id/actions/:actionId/done",
    { config: { policy: igTeam } },
    async (request, reply) => {
      const { id, actionId } = request.params as { id: string; actionId: string };
      if (!/^[0-9a-f-]{36}$/i.test(actionId)) throw new HttpError(404, "No such action.");
      const c = await loadCase(request, "opened to complete an action");
      await breaches.completeAction(request.audit, c.breach.id, actionId);
      return reply.redirect(`/breaches/${id}?done=action-done#actions`, 303);
    },
  );

  app.post("/breaches/:id/lessons", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "opened to record lessons");
    const form = parseForm(lessonsForm, clean(request.body));
    if (!form.ok) return renderCase(request, reply, c, { errors: form.errors });
    await breaches.saveLessons(request.audit, c.breach.id, form.value.lessons);
    return reply.redirect(`/breaches/${c.breach.id}?done=lessons#lessons`, 303);
  });

  app.post("/breaches/:id/close", { config: { policy: igTeam } }, async (request, reply) => {
    const user = requireUser(request);
    const c = await loadCase(request, "opened to close");
    const form = parseForm(closeForm, clean(request.body));
    if (!form.ok) return renderCase(request, reply, c, { errors: form.errors });
    try {
      await breaches.close(request.audit, c.breach.id, user.id, form.value.closureSummary);
    } catch (err) {
      if (err instanceof BreachInputError)
        return renderCase(request, reply, c, { errors: fieldError("closureSummary", err.message) });
      throw err;
    }
    return reply.redirect(`/breaches/${c.breach.id}?done=closed`, 303);
  });

  app.post("/breaches/:id/reopen", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "opened to reopen");
    try {
      await breaches.reopen(request.audit, c.breach.id);
    } catch (err) {
      if (err instanceof BreachInputError) throw new HttpError(409, err.message);
      throw err;
    }
    return reply.redirect(`/breaches/${c.breach.id}?done=reopened`, 303);
  });

  // ---- The ICO report ----

  async function reportFor(c: BreachCase) {
    const [areas, assets, roles] = await Promise.all([
      services.organisation.serviceAreas(),
      breaches.assetOptions(),
      services.organisation.governanceRoles(),
    ]);
    const dpo = roles.find((r) => r.role === "dpo");
    const sections = icoReportSections(c, {
      councilName: services.config.COUNCIL_NAME,
      serviceArea: areas.find((a) => a.id === c.breach.serviceAreaId)?.name ?? null,
      dpo: dpo ? `${dpo.holderName}, ${dpo.holderTitle}` : null,
      assets: assets.filter((a) => c.breach.assetIds.includes(a.id)).map((a) => a.name),
    });
    const title = `Personal data breach report: ${services.config.COUNCIL_NAME}, ${c.breach.reference}`;
    return { sections, title, text: icoReportText(sections, title) };
  }

  app.get("/breaches/:id/ico-report", { config: { policy: igTeam } }, async (request, reply) => {
    const c = await loadCase(request, "ICO report viewed");
    const report = await reportFor(c);
    return reply.render("breaches/views/ico-report.njk", {
      pageTitle: `ICO report for ${c.breach.reference}`,
      c,
      b: c.breach,
      report,
      ...helpers,
    });
  });

  app.get(
    "/breaches/:id/ico-report.docx",
    { config: { policy: igTeam } },
    async (request, reply) => {
      const c = await loadCase(request, "ICO report downloaded");
      const report = await reportFor(c);
      const blocks: Block[] = [
        { kind: "title", text: report.title },
        ...report.sections.flatMap((section): Block[] => [
          { kind: "h1", text: section.heading },
          { kind: "table", rows: section.items.map((i) => [i.question, i.answer]) },
        ]),
      ];
      return reply
        .type("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        .header(
          "content-disposition",
          `attachment; filename="${c.breach.reference}-ico-report.docx"`,
        )
        .send(buildDocx(blocks));
    },
  );

  app.get(
    "/breaches/:id/ico-report.txt",
    { config: { policy: igTeam } },
    async (request, reply) => {
      const c = await loadCase(request, "ICO report downloaded");
      const report = await reportFor(c);
      return reply
        .type("text/plain; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="${c.breach.reference}-ico-report.txt"`,
        )
        .send(report.text);
    },
  );
}
