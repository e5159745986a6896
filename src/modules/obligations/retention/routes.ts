import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { hasRole } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import { HttpError } from "../../../platform/web/errors.ts";
import { parseForm } from "../../../platform/web/forms.ts";
import { isRealDate, today } from "../dates.ts";
import { toCsv, toXlsx } from "../spreadsheet.ts";
import {
  attempt,
  canManage,
  choices,
  decidePolicy,
  idOf,
  managePolicy,
  sendDownload,
  uploadedSheet,
  viewPolicy,
} from "../web.ts";
import type { RetentionRule } from "./retention-service.ts";
import { DISPOSAL_ACTIONS, HOLD_KINDS, type HoldKind, ruleInput, TRIGGERS } from "./schedule.ts";

const V = "obligations/retention/views";

const approveForm = z.object({
  method: z
    .string()
    .trim()
    .max(300)
    .optional()
    .transform((v) => v || null),
  confirm: z.literal("yes", { message: "Confirm the records have been destroyed or transferred" }),
});
const deferForm = z.object({
  until: z
    .string()
    .trim()
    .refine(isRealDate, "Enter the new review date as a real date, like 2027-03-31"),
  reason: z.string().trim().min(1, "Enter why disposal is deferred").max(1000),
});
const holdForm = z.object({
  kind: z.enum(Object.keys(HOLD_KINDS) as [HoldKind, ...HoldKind[]], {
    message: "Select the reason for the hold",
  }),
  reason: z.string().trim().min(1, "Enter the case or matter the hold is for").max(1000),
  target: z.enum(["rule", "record"], { message: "Select what the hold covers" }).optional(),
  ruleId: z.string().trim().optional(),
  source: z.string().trim().max(100).optional(),
  recordId: z.string().trim().max(200).optional(),
});
const liftForm = z.object({
  reason: z.string().trim().min(1, "Enter why the hold is lifted").max(1000),
});
const collectionForm = z.object({
  reference: z.string().trim().min(1, "Enter the file or box reference").max(100),
  description: z.string().trim().min(1, "Enter what the records are").max(1000),
  ruleId: z.string().trim().min(1, "Select the retention rule"),
  location: z
    .string()
    .trim()
    .max(300)
    .optional()
    .transform((v) => v || null),
  ownerId: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  triggerDate: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!isRealDate(v)) {
        ctx.addIssue({
          code: "custom",
          message: "Enter the trigger date as a real date, like 2020-03-31",
        });
        return z.NEVER;
      }
      return v;
    }),
});

const SCHEDULE_HEADINGS = [
  "Code",
  "Function",
  "Activity",
  "Record type",
  "Trigger",
  "Retention period (years)",
  "Months",
  "Retention",
  "Disposal action",
  "Authority",
  "Notes",
];
const scheduleRow = (r: RetentionRule) => [
  r.code,
  r.businessFunction,
  r.activity,
  r.recordType,
  r.triggerLabel,
  r.periodYears,
  r.periodMonths || null,
  r.period,
  r.disposalLabel,
  r.authority,
  r.notes,
];

export async function retentionRoutes(app: FastifyInstance, services: Services) {
  const retention = services.retention;
  const owners = async () =>
    (await services.users.list())
      .filter((u) => !u.disabled)
      .map((u) => [u.id, u.displayName] as [string, string]);

  app.get("/obligations/retention", { config: { policy: viewPolicy } }, async (request, reply) => {
    const q = String((request.query as { q?: string }).q ?? "").slice(0, 200);
    const [rules, counts] = await Promise.all([retention.rules({ search: q }), retention.counts()]);
    const done = (request.query as { done?: string }).done;
    return reply.render(`${V}/schedule.njk`, {
      pageTitle: "Retention schedule",
      rules,
      q,
      counts,
      canManage: canManage(request),
      flash:
        done === "imported"
          ? "Retention schedule imported"
          : done === "saved"
            ? "Rule saved"
            : undefined,
    });
  });

  for (const type of ["csv", "xlsx"] as const)
    app.get(
      `/obligations/retention/schedule.${type}`,
      { config: { policy: viewPolicy } },
      async (_r, reply) => {
        const rows = (await retention.rules()).map(scheduleRow);
        const body =
          type === "csv"
            ? toCsv(SCHEDULE_HEADINGS, rows)
            : await toXlsx("Retention schedule", SCHEDULE_HEADINGS, rows);
        return sendDownload(reply, `retention-schedule-${today()}.${type}`, type, body);
      },
    );

  const ruleFormPage = async (
    values: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({
    triggerItems: choices(TRIGGERS, values.trigger),
    actionItems: Object.entries(DISPOSAL_ACTIONS).map(([value, text]) => ({
      value,
      text,
      checked: values.disposalAction === value,
    })),
    ownerItems: choices(await owners(), values.ownerId, "No one named"),
    areaItems: choices(
      (await services.organisation.serviceAreas()).map((a) => [a.id, a.name] as [string, string]),
      values.serviceAreaId,
      "Not one service",
    ),
    values,
    ...extra,
  });

  app.get(
    "/obligations/retention/rules/new",
    { config: { policy: managePolicy } },
    async (_r, reply) =>
      reply.render(`${V}/rule-form.njk`, {
        pageTitle: "Add a retention rule",
        action: "/obligations/retention/rules",
        ...(await ruleFormPage({})),
      }),
  );

  app.get(
    "/obligations/retention/rules/:id",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const rule = await retention.rule(idOf(request));
      if (!rule) throw new HttpError(404, "No such rule.");
      return reply.render(`${V}/rule-form.njk`, {
        pageTitle: `Change ${rule.code}`,
        action: `/obligations/retention/rules/${rule.id}`,
        rule,
        ...(await ruleFormPage({ ...rule, periodYears: rule.periodYears ?? "" })),
      });
    },
  );

  const saveRule = async (
    request: FastifyRequest,
    reply: import("fastify").FastifyReply,
    id?: string,
  ) => {
    const form = parseForm(ruleInput, request.body);
    const again = async (errors: unknown, values: Record<string, unknown>) =>
      reply.code(400).render(`${V}/rule-form.njk`, {
        pageTitle: id ? "Change a retention rule" : "Add a retention rule",
        action: id ? `/obligations/retention/rules/${id}` : "/obligations/retention/rules",
        errors,
        ...(await ruleFormPage(values)),
      });
    if (!form.ok) return again(form.errors, form.values);
    const saved = await attempt(() => retention.saveRule(request.audit, form.value, id));
    if (!saved.ok) return again(saved.errors, form.value);
    return reply.redirect("/obligations/retention?done=saved", 303);
  };
  app.post("/obligations/retention/rules", { config: { policy: managePolicy } }, (request, reply) =>
    saveRule(request, reply),
  );
  app.post(
    "/obligations/retention/rules/:id",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      if (!(await retention.rule(idOf(request)))) throw new HttpError(404, "No such rule.");
      return saveRule(request, reply, idOf(request));
    },
  );

  // ---- Imports: the schedule, and registers of files or boxes ----
  const imports = {
    schedule: {
      title: "Import a retention schedule",
      kind: "retention-rules",
      back: "/obligations/retention",
      hint: "Columns: Code, Function, Activity, Record type, Trigger, Retention period (for example “Closure + 6 years”, “6”, “Permanent”), Disposal action (destroy, transfer to archives, review), Authority, Notes. Rules already in the schedule are updated by their code.",
    },
    collections: {
      title: "Import a register of files or boxes",
      kind: "record-collections",
      back: "/obligations/retention/collections",
      hint: "Columns: Reference, Description, Retention rule (its code), Trigger date (for example the date the file closed), Location, Owner email.",
    },
  } as const;
  for (const [name, imp] of Object.entries(imports)) {
    const base = `/obligations/retention/import/${name}`;
    app.get(base, { config: { policy: managePolicy } }, (_r, reply) =>
      reply.render(`${V}/import.njk`, { pageTitle: imp.title, imp, action: base }),
    );
    app.post(base, { config: { policy: managePolicy } }, async (request, reply) => {
      const upload = await uploadedSheet(request);
      if (!upload.ok)
        return reply.code(400).render(`${V}/import.njk`, {
          pageTitle: imp.title,
          imp,
          action: base,
          errors: upload.errors,
        });
      const user = request.user as { id: string };
      const preview =
        name === "schedule"
          ? await retention.previewRuleImport(
              request.audit,
              user.id,
              upload.file.filename,
              upload.sheet,
            )
          : await retention.previewCollectionImport(
              request.audit,
              user.id,
              upload.file.filename,
              upload.sheet,
            );
      return reply.code(preview.problems.length ? 400 : 200).render(`${V}/import-preview.njk`, {
        pageTitle: preview.problems.length ? "The file has problems" : "Check the import",
        imp,
        name,
        preview,
        action: `${base}/${preview.id}`,
        errors: preview.problems.length
          ? {
              list: preview.problems.slice(0, 20).map((text) => ({ text, href: "#problems" })),
              byField: {},
            }
          : undefined,
      });
    });
    app.post(`${base}/:id`, { config: { policy: managePolicy } }, async (request, reply) => {
      const user = request.user as { id: string };
      const applied = await attempt(() =>
        name === "schedule"
          ? retention.applyRuleImport(request.audit, idOf(request), user.id)
          : retention.applyCollectionImport(request.audit, idOf(request), user.id),
      );
      if (!applied.ok)
        throw new HttpError(400, applied.errors.list[0]?.text ?? "The import failed.");
      return reply.redirect(`${imp.back}?done=imported`, 303);
    });
  }

  // ---- Collections and decisions ----
  app.get(
    "/obligations/retention/collections",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const query = request.query as { page?: string; status?: string; done?: string };
      const page = Math.min(Math.max(Number.parseInt(query.page ?? "1", 10) || 1, 1), 10_000);
      const { items, hasMore } = await retention.collections({ page, status: query.status });
      return reply.render(`${V}/collections.njk`, {
        pageTitle: "Records held in files and boxes",
        items,
        page,
        hasMore,
        status: query.status ?? "",
        canManage: canManage(request),
        flash:
          query.done === "imported"
            ? "Register of files imported"
            : query.done === "added"
              ? "Records registered"
              : undefined,
      });
    },
  );

  const collectionFormPage = async (values: Record<string, unknown>) => ({
    ruleItems: choices(
      (await retention.ruleChoices()).map((r) => [r.id, r.label] as [string, string]),
      values.ruleId,
    ),
    ownerItems: choices(await owners(), values.ownerId, "No one named"),
    values,
  });
  app.get(
    "/obligations/retention/collections/new",
    { config: { policy: managePolicy } },
    async (_r, reply) =>
      reply.render(`${V}/collection-form.njk`, {
        pageTitle: "Register files or boxes",
        ...(await collectionFormPage({})),
      }),
  );
  app.post(
    "/obligations/retention/collections",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(collectionForm, request.body);
      const again = async (errors: unknown, values: Record<string, unknown>) =>
        reply.code(400).render(`${V}/collection-form.njk`, {
          pageTitle: "Register files or boxes",
          errors,
          ...(await collectionFormPage(values)),
        });
      if (!form.ok) return again(form.errors, form.values);
      const saved = await attempt(() =>
        retention.addCollection(request.audit, { ...form.value, serviceAreaId: null }),
      );
      if (!saved.ok) return again(saved.errors, form.value);
      return reply.redirect("/obligations/retention/collections?done=added", 303);
    },
  );

  app.get(
    "/obligations/retention/due",
    { config: { policy: decidePolicy } },
    async (request, reply) => {
      const query = request.query as { month?: string; mine?: string };
      const month = /^\d{4}-\d{2}$/.test(query.month ?? "") ? query.month : undefined;
      const onlyMine = !hasRole(request.user, "ig-officer", "dpo") || query.mine === "1";
      const list = await retention.dueList({
        month,
        ownerId: onlyMine ? (request.user as { id: string }).id : undefined,
      });
      return reply.render(`${V}/due.njk`, {
        pageTitle: "Disposal due list",
        ...list,
        month: month ?? today().slice(0, 7),
        onlyMine,
        canSeeAll: hasRole(request.user, "ig-officer", "dpo"),
      });
    },
  );

  async function decidable(request: FastifyRequest) {
    const c = await retention.collection(idOf(request));
    if (!c) throw new HttpError(404, "Those records are not in the register.");
    if (!hasRole(request.user, "ig-officer", "dpo") && c.ownerId !== request.user?.id)
      throw new HttpError(
        403,
        "Only the records' owner or the information governance team can decide on them.",
      );
    return c;
  }

  const decisionPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const c = await decidable(request);
    const holds = (await retention.holds()).filter(
      (h) => h.collectionId === c.id || h.ruleId === c.ruleId,
    );
    return {
      pageTitle: `Records ${c.reference}`,
      c,
      holds,
      holdItems: choices(HOLD_KINDS, (extra.values as Record<string, unknown> | undefined)?.kind),
      values: {},
      ...extra,
    };
  };
  app.get(
    "/obligations/retention/collections/:id",
    { config: { policy: decidePolicy } },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      const flashes: Record<string, string> = {
        deferred: "Disposal deferred",
        held: "Legal hold placed: these records will not be disposed of until it is lifted",
      };
      return reply.render(`${V}/collection.njk`, {
        ...(await decisionPage(request)),
        flash: done ? flashes[done] : undefined,
      });
    },
  );
  app.post(
    "/obligations/retention/collections/:id/approve",
    { config: { policy: decidePolicy } },
    async (request, reply) => {
      const c = await decidable(request);
      const form = parseForm(approveForm, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            `${V}/collection.njk`,
            await decisionPage(request, { errors: form.errors, values: form.values }),
          );
      const done = await attempt(() =>
        retention.approveDisposal(request.audit, c.id, { method: form.value.method }),
      );
      if (!done.ok) throw new HttpError(400, "The disposal could not be recorded.");
      return reply.redirect(
        `/obligations/retention/certificates/${done.value.id}?done=issued`,
        303,
      );
    },
  );
  app.post(
    "/obligations/retention/collections/:id/defer",
    { config: { policy: decidePolicy } },
    async (request, reply) => {
      const c = await decidable(request);
      const form = parseForm(deferForm, request.body);
      const again = async (errors: unknown, values: Record<string, unknown>) =>
        reply
          .code(400)
          .render(`${V}/collection.njk`, await decisionPage(request, { errors, values }));
      if (!form.ok) return again(form.errors, form.values);
      const done = await attempt(() => retention.deferDisposal(request.audit, c.id, form.value));
      if (!done.ok) return again(done.errors, form.value);
      return reply.redirect(`/obligations/retention/collections/${c.id}?done=deferred`, 303);
    },
  );
  app.post(
    "/obligations/retention/collections/:id/hold",
    { config: { policy: decidePolicy } },
    async (request, reply) => {
      const c = await decidable(request);
      const form = parseForm(holdForm.pick({ kind: true, reason: true }), request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            `${V}/collection.njk`,
            await decisionPage(request, { errors: form.errors, values: form.values }),
          );
      await attempt(() =>
        retention.placeHold(request.audit, { ...form.value, collectionId: c.id }),
      );
      return reply.redirect(`/obligations/retention/collections/${c.id}?done=held`, 303);
    },
  );

  // ---- Holds ----
  const holdsPage = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const values = (extra.values ?? {}) as Record<string, unknown>;
    return {
      pageTitle: "Legal holds",
      holds: await retention.holds(),
      canManage: canManage(request),
      holdItems: choices(HOLD_KINDS, values.kind),
      ruleItems: choices(
        (await retention.ruleChoices()).map((r) => [r.id, r.label] as [string, string]),
        values.ruleId,
      ),
      sourceItems: choices(
        retention.connectedSources().map((s) => [s.key, s.label] as [string, string]),
        values.source,
      ),
      values,
      ...extra,
    };
  };
  app.get(
    "/obligations/retention/holds",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      return reply.render(`${V}/holds.njk`, {
        ...(await holdsPage(request)),
        flash:
          done === "lifted" ? "Hold lifted" : done === "placed" ? "Legal hold placed" : undefined,
      });
    },
  );
  app.post(
    "/obligations/retention/holds",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(holdForm, request.body);
      const again = async (errors: unknown, values: Record<string, unknown>) =>
        reply.code(400).render(`${V}/holds.njk`, await holdsPage(request, { errors, values }));
      if (!form.ok) return again(form.errors, form.values);
      const v = form.value;
      if (!v.target)
        return again(
          {
            list: [{ text: "Select what the hold covers", href: "#target" }],
            byField: { target: { text: "Select what the hold covers" } },
          },
          v,
        );
      if (v.target === "rule" && !v.ruleId)
        return again(
          {
            list: [{ text: "Select the record class", href: "#ruleId" }],
            byField: { ruleId: { text: "Select the record class" } },
          },
          v,
        );
      if (v.target === "record" && (!v.source || !v.recordId))
        return again(
          {
            list: [
              { text: "Select the kind of record and enter its reference", href: "#recordId" },
            ],
            byField: { recordId: { text: "Select the kind of record and enter its reference" } },
          },
          v,
        );
      const placed = await attempt(() =>
        retention.placeHold(request.audit, {
          kind: v.kind,
          reason: v.reason,
          ...(v.target === "rule"
            ? { ruleId: v.ruleId }
            : { source: v.source, recordId: v.recordId }),
        }),
      );
      if (!placed.ok) return again(placed.errors, v);
      return reply.redirect("/obligations/retention/holds?done=placed", 303);
    },
  );
  app.post(
    "/obligations/retention/holds/:id/lift",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(liftForm, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            `${V}/holds.njk`,
            await holdsPage(request, { errors: form.errors, liftId: idOf(request) }),
          );
      await attempt(() => retention.liftHold(request.audit, idOf(request), form.value.reason));
      return reply.redirect("/obligations/retention/holds?done=lifted", 303);
    },
  );

  // ---- Certificates and Steward's own records ----
  app.get(
    "/obligations/retention/certificates",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const page = Math.min(
        Math.max(Number.parseInt((request.query as { page?: string }).page ?? "1", 10) || 1, 1),
        10_000,
      );
      const { items, hasMore } = await retention.certificates({ page });
      return reply.render(`${V}/certificates.njk`, {
        pageTitle: "Certificates of destruction",
        items,
        page,
        hasMore,
      });
    },
  );
  app.get(
    "/obligations/retention/certificates/:id",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const cert = await retention.certificate(idOf(request));
      if (!cert) throw new HttpError(404, "No such certificate.");
      const done = (request.query as { done?: string }).done;
      return reply.render(`${V}/certificate.njk`, {
        pageTitle: `Certificate ${cert.number}`,
        cert,
        flash:
          done === "issued" ? "Disposal recorded. This certificate is kept for good." : undefined,
      });
    },
  );

  app.get(
    "/obligations/retention/own-records",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const rules = (await retention.rules({ search: "STW-" })).filter((r) =>
        r.code.startsWith("STW-"),
      );
      const sources = retention.connectedSources();
      return reply.render(`${V}/own-records.njk`, {
        pageTitle: "Steward's own records",
        rules,
        sources,
        runs: await retention.lastOwnRecordRuns(5),
        canManage: canManage(request),
        flash:
          (request.query as { done?: string }).done === "ran"
            ? "The schedule has been applied"
            : undefined,
      });
    },
  );
  app.post(
    "/obligations/retention/own-records/run",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      await retention.applyToOwnRecords(request.audit);
      return reply.redirect("/obligations/retention/own-records?done=ran", 303);
    },
  );
}
