import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { anyRole, hasRole, type Principal, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../platform/web/forms.ts";
import type { NavItem } from "../../platform/web/navigation.ts";
import { clean } from "../breaches/form-helpers.ts";
import { compare } from "./diff.ts";
import { docxDocument } from "./document.ts";
import {
  type Dpia,
  DpiaInputError,
  type DpiaRisk,
  progress,
  type Snapshot,
} from "./dpia-service.ts";
import {
  BASIS_LABELS,
  type DpiaTemplateContent,
  LIKELIHOODS,
  type QuestionBasis,
  riskLevel,
  type ScreeningQuestion,
  SEVERITIES,
  type StepKey,
} from "./template.ts";

export const dpiaNavigation: NavItem[] = [{ text: "DPIAs", href: "/dpia", policy: signedIn }];
const dpoOnly = anyRole("dpo");
const igRoles = anyRole("ig-officer", "dpo", "siro");

const isIg = (u: Principal) => hasRole(u, "ig-officer", "dpo", "siro");
const canEdit = (u: Principal, d: Dpia) => d.ownerId === u.id || hasRole(u, "ig-officer", "dpo");

const required = (message: string, max = 20000) =>
  z.string({ message }).trim().min(1, message).max(max, `Use ${max} characters or fewer`);
const optional = (max = 20000) =>
  z
    .string({ message: "Enter text" })
    .trim()
    .max(max, `Use ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : null));
const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
const isoDate = (message: string) =>
  z
    .string({ message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((v) => {
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    }, message);

const screeningForm = z.object({
  title: required("Enter the project's name", 200),
  description: required("Describe the project in a sentence or two", 5000),
  serviceAreaId: z.preprocess(
    blank,
    z.string({ message: "Choose a service area" }).uuid("Choose a service area").optional(),
  ),
  personalData: z.enum(["yes", "no"], {
    message: "Say whether the project involves personal data",
  }),
  yes: z.preprocess(asArray, z.array(z.string().max(100))),
  notes: optional(5000),
});

const STEP_FIELDS: Record<string, StepKey[]> = {
  need: ["need"],
  processing: ["nature", "scope", "context", "purposes"],
  consultation: ["consultation"],
  necessity: ["necessity"],
};

const riskForm = z.object({
  description: required("Describe the risk to people", 2000),
  riskType: required("Choose a type of risk", 200),
  likelihood: z.enum(["remote", "possible", "probable"], { message: "Choose how likely harm is" }),
  severity: z.enum(["minimal", "significant", "severe"], {
    message: "Choose how severe harm could be",
  }),
  measures: optional(5000),
  effect: z.preprocess(
    blank,
    z
      .enum(["eliminated", "reduced", "accepted"], { message: "Choose the effect on the risk" })
      .optional(),
  ),
  residual: z.preprocess(
    blank,
    z.enum(["low", "medium", "high"], { message: "Choose the residual risk" }).optional(),
  ),
  measureApproved: z.preprocess((v) => v === "yes", z.boolean()),
});

const adviceForm = z.object({ advice: required("Enter the DPO's advice", 10000) });

const signOffForm = z.object({
  measuresApprovedBy: required("Enter who approved the measures", 200),
  residualRisksApprovedBy: required("Enter who accepted the residual risks", 200),
  dpoAdviceFollowed: z.enum(["yes", "no"], {
    message: "Say whether the DPO's advice was followed",
  }),
  overruledReason: optional(5000),
  consultationReviewedBy: optional(200),
  reviewOwner: required("Enter who will keep the DPIA under review", 200),
  reviewDate: isoDate("Enter the review date as a real date, like 2026-04-30"),
  icoConsultation: optional(5000),
});

const templateForm = z.object({
  note: optional(500),
  riskTypes: required("Enter at least one risk type", 10000),
  personalDataPolicy: z.enum(["recommended", "not-needed"], { message: "Choose the policy" }),
  newText: optional(500),
  newReference: optional(200),
  newBasis: z.preprocess(
    blank,
    z.enum(["art35", "ico", "edpb", "custom-required", "custom-criterion"]).optional(),
  ),
});

const resultLabels = {
  required: "DPIA required",
  recommended: "DPIA recommended",
  "not-needed": "DPIA not needed",
};
const statusLabels = {
  screened: "Screened",
  draft: "Draft",
  approved: "Signed off",
  revising: "Draft changes since sign-off",
};
const levelTag = (level: string) =>
  level === "high" ? "red" : level === "medium" ? "orange" : "green";

export async function dpiaRoutes(app: FastifyInstance, services: Services) {
  const { dpia } = services;

  async function load(request: FastifyRequest, mode: "view" | "edit" = "view"): Promise<Dpia> {
    const user = requireUser(request);
    const d = await dpia.get((request.params as { id: string }).id);
    if (!d) throw new HttpError(404, "There is no DPIA with that reference.");
    if (mode === "edit" ? !canEdit(user, d) : !(canEdit(user, d) || isIg(user)))
      throw new HttpError(
        403,
        "Only the project's owner and the information governance team can do this.",
      );
    return d;
  }

  async function names() {
    const { assets, processing } = await dpia.linkOptions();
    const m = new Map([...assets, ...processing].map((x) => [x.id, x.name]));
    return (id: string) => m.get(id) ?? "Removed from the register";
  }

  const knownArea = async (id: string | undefined) =>
    !id || (await services.organisation.serviceAreas()).some((a) => a.id === id);

  const common = (d: Dpia) => ({
    d,
    resultLabels,
    statusLabels,
    levelTag,
    riskLevel,
  });

  app.get("/dpia", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const list = await dpia.list(isIg(user) ? {} : { ownerId: user.id });
    return reply.render("dpia/views/list.njk", {
      pageTitle: "Data protection impact assessments",
      list,
      resultLabels,
      statusLabels,
      isIg: isIg(user),
      isDpo: hasRole(user, "dpo"),
    });
  });

  // ---- Screening ----

  async function screeningPage(
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: FormErrors,
    d?: Dpia,
  ) {
    const template = await dpia.currentTemplate();
    const areas = await services.organisation.serviceAreas();
    const yes = asArray(values.yes);
    const groups = (
      ["art35", "ico", "edpb", "custom-required", "custom-criterion"] as QuestionBasis[]
    )
      .map((basis) => ({
        basis,
        legend: BASIS_LABELS[basis],
        items: template.content.questions
          .filter((q) => q.basis === basis)
          .map((q) => ({
            value: q.id,
            text: q.text,
            hint: q.hint ? { text: q.hint } : undefined,
            checked: yes.includes(q.id),
          })),
      }))
      .filter((g) => g.items.length);
    return reply.code(errors ? 400 : 200).render("dpia/views/screen.njk", {
      pageTitle: d ? `Screen ${d.title} again` : "Screen a project",
      values,
      errors,
      d,
      groups,
      templateVersion: template.version,
      serviceAreas: [
        { value: "", text: "Choose a service area" },
        ...areas.map((a) => ({
          value: a.id,
          text: a.name,
          selected: a.id === values.serviceAreaId,
        })),
      ],
    });
  }

  app.get("/dpia/new", { config: { policy: signedIn } }, (_request, reply) =>
    screeningPage(reply, {}),
  );

  app.post("/dpia", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const form = parseForm(screeningForm, clean(request.body));
    if (!form.ok) return screeningPage(reply, form.values, form.errors);
    if (!(await knownArea(form.value.serviceAreaId)))
      return screeningPage(reply, form.value, fieldError("serviceAreaId", "Choose a service area"));
    const d = await dpia.screenProject(
      request.audit,
      { id: user.id, name: user.displayName },
      {
        ...form.value,
        serviceAreaId: form.value.serviceAreaId ?? null,
        personalData: form.value.personalData === "yes",
      },
    );
    return reply.redirect(`/dpia/${d.id}?done=screened`, 303);
  });

  app.get("/dpia/gaps", { config: { policy: igRoles } }, async (_request, reply) => {
    const gaps = await dpia.gaps();
    return reply.render("dpia/views/gaps.njk", {
      pageTitle: "Personal data without a DPIA",
      gaps,
      resultLabels,
      statusLabels,
    });
  });

  // ---- The DPO's questions and risk types ----

  async function templatePage(
    reply: FastifyReply,
    errors?: FormErrors,
    values: Record<string, unknown> = {},
    saved = false,
  ) {
    const [current, versions] = await Promise.all([
      dpia.currentTemplate(),
      dpia.templateVersions(),
    ]);
    return reply.code(errors ? 400 : 200).render("dpia/views/template.njk", {
      pageTitle: "DPIA questions and risk types",
      flash: saved ? `Saved as version ${current.version}` : undefined,
      t: current.content,
      version: current.version,
      versions,
      errors,
      values: {
        riskTypes: current.content.riskTypes.join("\n"),
        personalDataPolicy: current.content.personalDataPolicy,
        ...values,
      },
      basisItems: Object.entries(BASIS_LABELS).map(([value, text]) => ({ value, text })),
      basisLabels: BASIS_LABELS,
    });
  }

  app.get("/dpia/template", { config: { policy: dpoOnly } }, (request, reply) =>
    templatePage(reply, undefined, {}, (request.query as { done?: string }).done === "saved"),
  );

  app.post("/dpia/template", { config: { policy: dpoOnly } }, async (request, reply) => {
    const user = requireUser(request);
    const form = parseForm(templateForm, clean(request.body));
    if (!form.ok) return templatePage(reply, form.errors, form.values);
    const body = clean(request.body);
    const current = (await dpia.currentTemplate()).content;
    const str = (v: unknown, max: number) => (typeof v === "string" ? v.trim().slice(0, max) : "");
    const questions: ScreeningQuestion[] = current.questions
      .filter((q) => body[`remove-${q.id}`] !== "yes")
      .map((q) => ({
        ...q,
        text: str(body[`text-${q.id}`], 500) || q.text,
        hint: str(body[`hint-${q.id}`], 500) || undefined,
      }));
    if (form.value.newText) {
      if (!form.value.newBasis)
        return templatePage(
          reply,
          fieldError("newBasis", "Choose what a yes to the new question means"),
          form.value,
        );
      questions.push({
        id: `custom-${Date.now().toString(36)}`,
        basis: form.value.newBasis,
        reference: form.value.newReference ?? "Council question",
        text: form.value.newText,
      });
    }
    const steps = current.steps.map((s) => ({
      ...s,
      guidance: str(body[`guidance-${s.key}`], 3000) || s.guidance,
    }));
    const content: DpiaTemplateContent = {
      questions,
      riskTypes: [
        ...new Set(
          form.value.riskTypes
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      ].slice(0, 100),
      steps,
      personalDataPolicy: form.value.personalDataPolicy,
    };
    try {
      await dpia.saveTemplate(request.audit, user.id, content, form.value.note);
    } catch (err) {
      if (err instanceof DpiaInputError)
        return templatePage(reply, fieldError(err.field, err.message), form.value);
      throw err;
    }
    return reply.redirect("/dpia/template?done=saved", 303);
  });

  // ---- One DPIA ----

  app.get("/dpia/:id", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const d = await load(request);
    const [template, versions] = await Promise.all([
      dpia.template(d.templateVersion),
      dpia.versions(d.id),
    ]);
    const done = (request.query as { done?: string }).done;
    const flashes: Record<string, string> = {
      screened: "Screening recorded",
      saved: "Saved",
      started: "Full DPIA started",
      "signed-off": "Signed off: this version is now frozen",
      advice: "DPO advice recorded",
    };
    const questions = new Map(template.questions.map((q) => [q.id, q]));
    return reply.render("dpia/views/overview.njk", {
      pageTitle: `${d.reference}: ${d.title}`,
      ...common(d),
      steps: progress(d, template),
      versions,
      answered: d.screening.yes.map((id) => questions.get(id)?.text ?? id),
      canEdit: canEdit(user, d),
      isDpo: hasRole(user, "dpo"),
      problems: dpia.signOffProblems(d, template),
      flash: done ? flashes[done] : undefined,
    });
  });

  app.get("/dpia/:id/screening", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    return screeningPage(
      reply,
      {
        title: d.title,
        description: d.description,
        serviceAreaId: d.serviceAreaId,
        personalData: d.screening.personalData ? "yes" : "no",
        yes: d.screening.yes,
        notes: d.screening.notes,
      },
      undefined,
      d,
    );
  });

  app.post("/dpia/:id/screening", { config: { policy: signedIn } }, async (request, reply) => {
    const user = requireUser(request);
    const d = await load(request, "edit");
    const form = parseForm(screeningForm, clean(request.body));
    if (!form.ok) return screeningPage(reply, form.values, form.errors, d);
    if (!(await knownArea(form.value.serviceAreaId)))
      return screeningPage(
        reply,
        form.value,
        fieldError("serviceAreaId", "Choose a service area"),
        d,
      );
    await dpia.rescreen(request.audit, d.id, user.displayName, {
      ...form.value,
      serviceAreaId: form.value.serviceAreaId ?? null,
      personalData: form.value.personalData === "yes",
    });
    return reply.redirect(`/dpia/${d.id}?done=screened`, 303);
  });

  app.post("/dpia/:id/start", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    await dpia.start(request.audit, d.id);
    return reply.redirect(`/dpia/${d.id}?done=started`, 303);
  });

  // ---- Steps 1 to 4 ----

  async function stepPage(
    reply: FastifyReply,
    d: Dpia,
    step: string,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const template = await dpia.template(d.templateVersion);
    const fields = STEP_FIELDS[step]
      .map((k) => template.steps.find((s) => s.key === k))
      .filter((s) => !!s);
    return reply.code(errors ? 400 : 200).render("dpia/views/step.njk", {
      pageTitle: step === "processing" ? "Describe the processing" : (fields[0]?.title ?? step),
      ...common(d),
      step,
      fields,
      values,
      errors,
    });
  }

  app.get("/dpia/:id/step/:step", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    const step = (request.params as { step: string }).step;
    if (!STEP_FIELDS[step]) throw new HttpError(404, "No such step.");
    return stepPage(reply, d, step, d.content.sections);
  });

  app.post("/dpia/:id/step/:step", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    const step = (request.params as { step: string }).step;
    if (!STEP_FIELDS[step]) throw new HttpError(404, "No such step.");
    const shape = Object.fromEntries(STEP_FIELDS[step].map((k) => [k, optional(20000)]));
    const form = parseForm(z.object(shape), clean(request.body));
    if (!form.ok) return stepPage(reply, d, step, form.values, form.errors);
    if (d.status === "screened") await dpia.start(request.audit, d.id);
    await dpia.saveSections(
      request.audit,
      d.id,
      form.value as Partial<Record<StepKey, string | null>>,
    );
    return reply.redirect(`/dpia/${d.id}?done=saved`, 303);
  });

  // ---- Risks and measures ----

  async function risksPage(
    reply: FastifyReply,
    d: Dpia,
    values: Record<string, unknown>,
    errors?: FormErrors,
    risk?: DpiaRisk,
  ) {
    const template = await dpia.template(d.templateVersion);
    return reply
      .code(errors ? 400 : 200)
      .render(risk ? "dpia/views/risk.njk" : "dpia/views/risks.njk", {
        pageTitle: risk ? "Change a risk" : "Risks and measures",
        ...common(d),
        risk,
        values,
        errors,
        riskTypes: [
          { value: "", text: "Choose a type" },
          ...template.riskTypes.map((t) => ({
            value: t,
            text: t,
            selected: t === values.riskType,
          })),
        ],
        likelihoods: LIKELIHOODS,
        severities: SEVERITIES,
      });
  }

  app.get("/dpia/:id/risks", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    return risksPage(reply, d, {});
  });

  async function saveRisk(request: FastifyRequest, reply: FastifyReply, d: Dpia, risk?: DpiaRisk) {
    const form = parseForm(riskForm, clean(request.body));
    if (!form.ok) return risksPage(reply, d, form.values, form.errors, risk);
    const v = form.value;
    const level = riskLevel(v.likelihood, v.severity);
    if (risk && level !== "low" && v.measures && !v.residual)
      return risksPage(
        reply,
        d,
        form.value,
        fieldError("residual", "Choose the residual risk after the measures"),
        risk,
      );
    if (d.status === "screened") await dpia.start(request.audit, d.id);
    await dpia.saveRisk(request.audit, d.id, risk?.id ?? null, {
      description: v.description,
      riskType: v.riskType,
      likelihood: v.likelihood,
      severity: v.severity,
      measures: v.measures,
      effect: v.effect ?? null,
      residual: v.residual ?? (level === "low" ? "low" : null),
      measureApproved: v.measureApproved,
    });
    return reply.redirect(`/dpia/${d.id}/risks?done=saved`, 303);
  }

  app.post("/dpia/:id/risks", { config: { policy: signedIn } }, async (request, reply) =>
    saveRisk(request, reply, await load(request, "edit")),
  );

  const findRisk = (d: Dpia, request: FastifyRequest) => {
    const r = d.content.risks.find((x) => x.id === (request.params as { riskId: string }).riskId);
    if (!r) throw new HttpError(404, "No such risk.");
    return r;
  };

  app.get("/dpia/:id/risks/:riskId", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    const r = findRisk(d, request);
    return risksPage(
      reply,
      d,
      { ...r, measureApproved: r.measureApproved ? "yes" : "" },
      undefined,
      r,
    );
  });

  app.post("/dpia/:id/risks/:riskId", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    return saveRisk(request, reply, d, findRisk(d, request));
  });

  app.post(
    "/dpia/:id/risks/:riskId/remove",
    { config: { policy: signedIn } },
    async (request, reply) => {
      const d = await load(request, "edit");
      await dpia.removeRisk(request.audit, d.id, findRisk(d, request).id);
      return reply.redirect(`/dpia/${d.id}/risks?done=saved`, 303);
    },
  );

  // ---- Links to the register ----

  app.get("/dpia/:id/links", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    const { assets, processing } = await dpia.linkOptions();
    return reply.render("dpia/views/links.njk", {
      pageTitle: "Assets and processing covered",
      ...common(d),
      assetItems: assets.map((a) => ({
        value: a.id,
        text: a.name,
        checked: d.assetIds.includes(a.id),
      })),
      processingItems: processing.map((p) => ({
        value: p.id,
        text: p.name,
        checked: d.processingIds.includes(p.id),
      })),
    });
  });

  app.post("/dpia/:id/links", { config: { policy: signedIn } }, async (request, reply) => {
    const d = await load(request, "edit");
    const body = clean(request.body);
    const { assets, processing } = await dpia.linkOptions();
    const known = new Set([...assets, ...processing].map((x) => x.id));
    await dpia.saveLinks(
      request.audit,
      d.id,
      asArray(body.assetIds).filter((id) => known.has(id)),
      asArray(body.processingIds).filter((id) => known.has(id)),
    );
    return reply.redirect(`/dpia/${d.id}?done=saved`, 303);
  });

  // ---- The DPO: advice and sign-off ----

  app.get("/dpia/:id/dpo-advice", { config: { policy: dpoOnly } }, async (request, reply) => {
    const d = await load(request);
    return reply.render("dpia/views/dpo-advice.njk", {
      pageTitle: "DPO advice",
      ...common(d),
      values: { advice: d.content.dpoAdvice },
    });
  });

  app.post("/dpia/:id/dpo-advice", { config: { policy: dpoOnly } }, async (request, reply) => {
    const user = requireUser(request);
    const d = await load(request);
    const form = parseForm(adviceForm, clean(request.body));
    if (!form.ok)
      return reply.code(400).render("dpia/views/dpo-advice.njk", {
        pageTitle: "DPO advice",
        ...common(d),
        values: form.values,
        errors: form.errors,
      });
    await dpia.saveDpoAdvice(request.audit, d.id, user.displayName, form.value.advice);
    return reply.redirect(`/dpia/${d.id}?done=advice`, 303);
  });

  async function signOffPage(
    reply: FastifyReply,
    d: Dpia,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const template = await dpia.template(d.templateVersion);
    return reply.code(errors ? 400 : 200).render("dpia/views/sign-off.njk", {
      pageTitle: "Sign off the DPIA",
      ...common(d),
      problems: dpia.signOffProblems(d, template),
      values,
      errors,
    });
  }

  app.get("/dpia/:id/sign-off", { config: { policy: dpoOnly } }, async (request, reply) => {
    const d = await load(request);
    const last = (await dpia.versions(d.id))[0]?.signoff;
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    return signOffPage(reply, d, {
      measuresApprovedBy: last?.measuresApprovedBy,
      residualRisksApprovedBy: last?.residualRisksApprovedBy,
      reviewOwner: last?.reviewOwner ?? d.reviewOwner,
      reviewDate: nextYear,
    });
  });

  app.post("/dpia/:id/sign-off", { config: { policy: dpoOnly } }, async (request, reply) => {
    const user = requireUser(request);
    const d = await load(request);
    const form = parseForm(signOffForm, clean(request.body));
    if (!form.ok) return signOffPage(reply, d, form.values, form.errors);
    try {
      await dpia.signOff(
        request.audit,
        d.id,
        { id: user.id, name: user.displayName },
        {
          ...form.value,
          dpoAdviceFollowed: form.value.dpoAdviceFollowed === "yes",
        },
      );
    } catch (err) {
      if (err instanceof DpiaInputError)
        return signOffPage(reply, d, form.value, fieldError(err.field, err.message));
      throw err;
    }
    return reply.redirect(`/dpia/${d.id}?done=signed-off`, 303);
  });

  // ---- Versions, changes and the document ----

  const snapshotOf = (d: Dpia): Snapshot => ({
    title: d.title,
    description: d.description,
    assetIds: d.assetIds,
    processingIds: d.processingIds,
    content: d.content,
  });

  app.get(
    "/dpia/:id/versions/:version",
    { config: { policy: signedIn } },
    async (request, reply) => {
      const d = await load(request);
      const raw = (request.params as { version: string }).version;
      const versions = await dpia.versions(d.id);
      const template = await dpia.template(d.templateVersion);
      const nameOf = await names();
      let title: string;
      let changes: ReturnType<typeof compare>;
      if (raw === "draft") {
        const last = versions[0];
        title = last
          ? `Changes since version ${last.version} was signed off`
          : "The draft (never signed off)";
        changes = compare(last?.snapshot, snapshotOf(d), template, nameOf);
      } else {
        const n = Number.parseInt(raw, 10);
        const v = versions.find((x) => x.version === n);
        if (!v) throw new HttpError(404, "No such version.");
        const previous = versions.find((x) => x.version === n - 1);
        title = previous
          ? `Version ${n}: changes since version ${n - 1}`
          : `Version ${n}: the first signed-off version`;
        changes = compare(previous?.snapshot, v.snapshot, template, nameOf);
      }
      return reply.render("dpia/views/changes.njk", {
        pageTitle: title,
        ...common(d),
        title,
        changes,
        version: raw,
      });
    },
  );

  async function documentFor(request: FastifyRequest) {
    const d = await load(request);
    const q = request.query as { version?: string };
    const versions = await dpia.versions(d.id);
    const chosen = q.version ? versions.find((v) => String(v.version) === q.version) : undefined;
    if (q.version && !chosen) throw new HttpError(404, "No such version.");
    const template = await dpia.template(d.templateVersion);
    const nameOf = await names();
    const snapshot = chosen?.snapshot ?? snapshotOf(d);
    const areas = await services.organisation.serviceAreas();
    return {
      d,
      s: snapshot,
      signoff: chosen?.signoff ?? (d.status === "approved" ? versions[0]?.signoff : undefined),
      versionLabel: chosen
        ? `Version ${chosen.version}, signed off`
        : d.status === "approved"
          ? `Version ${d.approvedVersion}, signed off`
          : "Draft, not signed off",
      template,
      linked: [...snapshot.assetIds, ...snapshot.processingIds].map(nameOf),
      serviceArea: areas.find((a) => a.id === d.serviceAreaId)?.name ?? null,
      councilName: services.config.COUNCIL_NAME,
      answered: d.screening.yes.map(
        (id) => template.questions.find((q) => q.id === id)?.text ?? id,
      ),
      resultLabels,
      riskLevel,
      levelTag,
    };
  }

  app.get("/dpia/:id/document", { config: { policy: signedIn } }, async (request, reply) => {
    const doc = await documentFor(request);
    return reply.render("dpia/views/document.njk", {
      pageTitle: `${doc.d.reference}: ${doc.d.title} (document)`,
      ...doc,
    });
  });

  app.get("/dpia/:id/document.docx", { config: { policy: signedIn } }, async (request, reply) => {
    const doc = await documentFor(request);
    return reply
      .type("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
      .header("content-disposition", `attachment; filename="${doc.d.reference}.docx"`)
      .send(docxDocument(doc));
  });
}
