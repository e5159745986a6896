import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { hasRole } from "../../../platform/auth/policy.ts";
import { CASE_EVENT_TYPES } from "../../../platform/calendar/index.ts";
import type { Services } from "../../../platform/services.ts";
import { HttpError, requireUser } from "../../../platform/web/errors.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../../platform/web/forms.ts";
import { readMultipart } from "../../../platform/web/uploads.ts";
import { canOpenCase, canSeePersonalData, canWorkCase, caseworkers } from "../policy.ts";
import { CaseInputError, type CaseRecord, todayIso } from "./cases-service.ts";
import { HiddenDataWarning } from "./casework-service.ts";
import {
  COST_ACTIVITIES,
  COST_LIMIT_POUNDS,
  COST_RATE_POUNDS,
  DATA_RIGHT_LABELS,
  exemptionsFor,
  MANUAL_STATUSES,
  OUTCOMES,
  REQUEST_TYPES,
  SENSITIVE_TYPES,
  STATUSES,
  SUBJECT_CATEGORIES,
} from "./vocabulary.ts";

const EVENT_LABELS: Record<string, string> = {
  "clarification-requested": "Clarification requested (the clock stops)",
  "clarification-received": "Clarification received (the clock starts again)",
  "fees-notice-issued": "Fees notice issued (the clock pauses)",
  "fee-paid": "Fee paid (the clock resumes)",
  "identity-requested": "Identity evidence requested (data-rights requests)",
  "identity-received": "Identity evidence received (the month starts)",
  "extension-applied":
    "Extension applied (public interest test, EIR complex, SAR two months, review exceptional)",
};

/** The letter form as the caseworker sent it, to show again with an error or a warning. */
function letterFrom(body: Record<string, unknown>) {
  return {
    subject: String(body.subject ?? ""),
    body: String(body.body ?? ""),
    attachmentIds: asArray(body.attachmentIds),
  };
}

const FLASHES: Record<string, string> = {
  created: "Case logged",
  assigned: "Case assigned",
  clock: "Clock updated: the due date and its explanation below are recalculated",
  status: "Status changed",
  closed: "Case closed",
  reopened: "Case reopened",
  exemption: "Exemptions updated",
  cost: "Cost estimate saved",
  identity: "Identity evidence recorded",
  police: "Decision recorded",
  contribution: "Contribution asked for; the service has been emailed",
  "contribution-received": "Contribution recorded",
  documents: "Documents added and checked for hidden data",
  withheld: "Document updated",
  letter: "Letter sent and kept on the case",
  linked: "Linked case opened",
  published: "Published to the disclosure log",
  details: "Details saved",
  checklist: "Search checklist built from the asset register",
  searched: "Search confirmed",
  email: "Email imported as a case",
};

const isoDate = (message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message);

const newCaseForm = z.object({
  type: z.enum(Object.keys(REQUEST_TYPES) as [string, ...string[]], {
    error: "Choose the type of request",
  }),
  dataRight: z.string().optional(),
  received: isoDate("Enter the date of receipt"),
  channel: z.enum(["post", "email", "phone", "web", "whatdotheyknow"], {
    error: "Choose how it arrived",
  }),
  summary: z.string().trim().min(3, "Enter a short summary").max(300),
  requestText: z.string().trim().min(3, "Enter the request").max(20000),
  requesterName: z.string().trim().max(200).optional(),
  requesterEmail: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^([^\s@]+@[^\s@]+\.[^\s@]+)?$/, "Enter an email address in the correct format")
    .optional(),
  requesterAddress: z.string().trim().max(500).optional(),
  dueDate: z.string().trim().optional(),
});

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

export async function caseRoutes(app: FastifyInstance, services: Services) {
  const { requests } = services;
  const config = { policy: caseworkers };

  async function workers() {
    const all = await services.users.list();
    return all.filter(
      (u) => !u.disabled && u.roles.some((r) => ["caseworker", "ig-officer", "dpo"].includes(r)),
    );
  }

  async function load(request: FastifyRequest, mustWork: boolean): Promise<CaseRecord> {
    const user = requireUser(request);
    const record = await requests.cases.get(idOf(request));
    if (!record) throw new HttpError(404, "No such case.");
    if (!canOpenCase(user, record))
      throw new HttpError(403, "Only those working this case may open it.");
    if (mustWork && !canWorkCase(user, record))
      throw new HttpError(403, "Assign the case to yourself before changing it.");
    return record;
  }

  async function renderCase(
    request: FastifyRequest,
    reply: FastifyReply,
    record: CaseRecord,
    extra: {
      errors?: FormErrors;
      values?: Record<string, unknown>;
      letter?: unknown;
      hiddenWarning?: unknown;
    } = {},
  ) {
    const user = requireUser(request);
    const [
      clock,
      correspondence,
      attachments,
      contributions,
      searches,
      serviceAreas,
      people,
      templates,
      published,
    ] = await Promise.all([
      requests.cases.clock(record),
      requests.casework.correspondence(record.id),
      requests.casework.attachments(record.id),
      requests.casework.contributions(record.id),
      requests.casework.searches(record.id),
      services.organisation.serviceAreas(),
      workers(),
      requests.casework.templates(),
      requests.disclosure.publishedFor(record.id),
    ]);
    const personal = canSeePersonalData(user, record);
    const done = (request.query as { done?: string }).done;
    return reply.code(extra.errors ? 400 : 200).render("requests/views/case.njk", {
      pageTitle: `${record.reference}: ${record.summary}`,
      record,
      clock,
      personal,
      canWork: canWorkCase(user, record),
      isMine: record.assignedTo === user.id,
      correspondence: personal ? correspondence : [],
      attachments,
      contributions,
      searches,
      serviceAreas,
      people,
      templates,
      published,
      eventTypes: CASE_EVENT_TYPES.map((value) => ({ value, text: EVENT_LABELS[value] })),
      manualStatuses: MANUAL_STATUSES.map((value) => ({ value, text: STATUSES[value] })),
      outcomes: Object.entries(OUTCOMES).map(([value, text]) => ({ value, text })),
      exemptions: exemptionsFor(record.type).map((e) => ({
        value: e.code,
        text: `${e.label}${e.qualified ? " (qualified: public interest test)" : ""}`,
      })),
      costActivities: Object.entries(COST_ACTIVITIES).map(([value, text]) => ({
        value,
        text,
        hours: record.costEstimate?.activities.find((a) => a.activity === value)?.hours,
      })),
      costLimit: {
        pounds: COST_LIMIT_POUNDS,
        rate: COST_RATE_POUNDS,
        hours: COST_LIMIT_POUNDS / COST_RATE_POUNDS,
      },
      subjectCategories: SUBJECT_CATEGORIES,
      assetRegister: requests.casework.assetRegisterAvailable,
      dataRightLabels: DATA_RIGHT_LABELS,
      today: todayIso(),
      sensitive: SENSITIVE_TYPES.includes(record.type),
      errors: extra.errors,
      values: extra.values ?? {},
      letter: extra.letter,
      hiddenWarning: extra.hiddenWarning,
      flash: done ? FLASHES[done] : undefined,
    });
  }

  /** Runs a case action; a CaseInputError re-renders the case page with the message by its field. */
  function action(
    path: string,
    run: (
      request: FastifyRequest,
      record: CaseRecord,
      body: Record<string, unknown>,
    ) => Promise<string | undefined | undefined>,
    done: string,
    options: { mustWork?: boolean } = {},
  ) {
    app.post(`/staff/requests/:id/${path}`, { config }, async (request, reply) => {
      const record = await load(request, options.mustWork ?? true);
      const body = (request.body && typeof request.body === "object" ? request.body : {}) as Record<
        string,
        unknown
      >;
      try {
        const target = await run(request, record, body);
        return reply.redirect(
          target ?? `/staff/requests/${record.id}?done=${done}#${path.split("/")[0]}`,
          303,
        );
      } catch (err) {
        if (err instanceof CaseInputError) {
          const fresh = (await requests.cases.get(record.id)) ?? record;
          return renderCase(request, reply, fresh, {
            errors: fieldError(err.field, err.message),
            values: body,
            // A letter being sent stays on the form, with the caseworker's edits.
            letter: path === "letters" ? letterFrom(body) : undefined,
          });
        }
        if (err instanceof HiddenDataWarning) {
          const fresh = (await requests.cases.get(record.id)) ?? record;
          return renderCase(request, reply, fresh, {
            hiddenWarning: err.findings,
            values: body,
            letter: letterFrom(body),
            errors: fieldError(
              "confirmHiddenData",
              "The documents may contain hidden personal data: check them, then confirm",
            ),
          });
        }
        throw err;
      }
    });
  }

  app.get("/staff/requests", { config }, async (request, reply) => {
    const user = requireUser(request);
    const q = request.query as { view?: string; type?: string; page?: string; q?: string };
    const view = ["overdue", "mine", "unassigned", "closed"].includes(q.view ?? "")
      ? (q.view as string)
      : "open";
    const page = Math.max(1, Math.min(Number.parseInt(q.page ?? "1", 10) || 1, 10_000));
    const [{ cases, hasMore }, counts] = await Promise.all([
      requests.cases.list({
        overdue: view === "overdue",
        assignedTo: view === "mine" ? user.id : undefined,
        unassigned: view === "unassigned",
        closed: view === "closed",
        type: q.type,
        q: q.q?.slice(0, 100),
        page,
      }),
      requests.cases.counts(),
    ]);
    const link = (n: number) =>
      `/staff/requests?${new URLSearchParams({ view, ...(q.type ? { type: q.type } : {}), ...(q.q ? { q: q.q } : {}), page: String(n) })}`;
    return reply.render("requests/views/list.njk", {
      pageTitle: "Information requests",
      cases: cases.map((c) => ({ ...c, hidden: !canOpenCase(user, c) })),
      counts,
      view,
      type: q.type ?? "",
      q: q.q ?? "",
      types: Object.entries(REQUEST_TYPES).map(([value, text]) => ({ value, text })),
      today: todayIso(),
      previous: page > 1 ? link(page - 1) : undefined,
      next: hasMore ? link(page + 1) : undefined,
    });
  });

  const newCaseContext = () => ({
    pageTitle: "Log a request",
    types: Object.entries(REQUEST_TYPES).map(([value, text]) => ({ value, text })),
    dataRights: Object.entries(DATA_RIGHT_LABELS).map(([value, text]) => ({ value, text })),
    today: todayIso(),
  });

  app.get("/staff/requests/new", { config }, (_request, reply) =>
    reply.render("requests/views/new.njk", {
      ...newCaseContext(),
      values: { received: todayIso(), channel: "post" },
    }),
  );

  app.post("/staff/requests/new", { config }, async (request, reply) => {
    const form = parseForm(newCaseForm, request.body);
    const again = (errors: FormErrors, values: Record<string, unknown>) =>
      reply.code(400).render("requests/views/new.njk", { ...newCaseContext(), errors, values });
    if (!form.ok) return again(form.errors, form.values);
    const v = form.value;
    try {
      const created = await requests.intake.receive(request.audit, {
        type: v.type as never,
        dataRight: v.type === "sar" ? v.dataRight || "access" : null,
        received: v.received,
        channel: v.channel,
        summary: v.summary,
        requestText: v.requestText,
        requesterName: v.requesterName || null,
        requesterEmail: v.requesterEmail || null,
        requesterAddress: v.requesterAddress || null,
        dueDate: v.dueDate || null,
      });
      const user = requireUser(request);
      if (hasRole(user, "caseworker"))
        await requests.cases.assign(request.audit, created.id, user.id, user.displayName);
      return reply.redirect(`/staff/requests/${created.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof CaseInputError)
        return again(fieldError(err.field, err.message), form.value);
      throw err;
    }
  });

  app.get("/staff/requests/intake", { config }, (_request, reply) =>
    reply.render("requests/views/intake.njk", { pageTitle: "Import a request from an email" }),
  );

  app.post("/staff/requests/intake", { config }, async (request, reply) => {
    const upload = await readMultipart(request);
    const file = upload.files.find((f) => f.field === "eml");
    const again = (text: string) =>
      reply.code(400).render("requests/views/intake.njk", {
        pageTitle: "Import a request from an email",
        errors: fieldError("eml", text),
      });
    if (!file || file.data.length === 0) return again("Choose an email file (.eml) to import");
    if (!/\.eml$/i.test(file.filename) && file.mimetype !== "message/rfc822")
      return again("The file must be an email saved as .eml");
    const head = file.data.subarray(0, 4000).toString("utf8");
    if (!/^(from|to|subject|date|received|message-id|return-path|mime-version):/im.test(head))
      return again("The file does not look like an email: save the message as .eml and try again");
    const result = await requests.intake.receiveEmail(request.audit, file.data, {
      channel: "uploaded .eml",
    });
    if ("duplicate" in result)
      return again(`This email was already imported as ${result.reference}`);
    return reply.redirect(`/staff/requests/${result.id}?done=email`, 303);
  });

  app.get("/staff/requests/:id", { config }, async (request, reply) => {
    const record = await load(request, false);
    if (SENSITIVE_TYPES.includes(record.type))
      await requests.cases.recordView(request.audit, record);
    return renderCase(request, reply, record);
  });

  app.get("/staff/requests/:id/documents/:attachmentId", { config }, async (request, reply) => {
    const record = await load(request, false);
    const user = requireUser(request);
    if (!canSeePersonalData(user, record))
      throw new HttpError(403, "Only those working this case may open its documents.");
    const file = await requests.casework.attachmentFile(
      record.id,
      (request.params as { attachmentId: string }).attachmentId,
    );
    if (!file) throw new HttpError(404, "No such document.");
    await services.audit.record(request.audit, {
      action: "view",
      entityType: "request-case",
      entityId: record.id,
      summary: `${record.reference}: document ${file.filename} downloaded`,
    });
    return reply
      .header(
        "content-disposition",
        `attachment; filename="${file.filename.replace(/["\\\r\n]/g, "_")}"`,
      )
      .header("x-content-type-options", "nosniff")
      .type("application/octet-stream")
      .send(file.data);
  });

  action(
    "assign",
    async (request, record, body) => {
      const user = requireUser(request);
      const to = String(body.assignTo ?? "");
      if (to === "me") {
        await requests.cases.assign(request.audit, record.id, user.id, user.displayName);
        return;
      }
      if (!canWorkCase(user, record) && !hasRole(user, "ig-officer", "dpo"))
        throw new CaseInputError(
          "assignTo",
          "Only the caseworker or the IG team can reassign a case",
        );
      if (to === "") {
        await requests.cases.assign(request.audit, record.id, null, null);
        return;
      }
      const person = (await workers()).find((w) => w.id === to);
      if (!person)
        throw new CaseInputError("assignTo", "Choose someone who works information requests");
      await requests.cases.assign(request.audit, record.id, person.id, person.displayName);
    },
    "assigned",
    { mustWork: false },
  );

  action(
    "clock",
    async (request, record, body) => {
      await requests.cases.addClockEvent(request.audit, record.id, {
        type: String(body.eventType ?? ""),
        date: String(body.eventDate ?? "").trim(),
        note: typeof body.eventNote === "string" ? body.eventNote.slice(0, 1000) : undefined,
      });
    },
    "clock",
  );

  action(
    "details",
    async (request, record, body) => {
      const area = String(body.serviceAreaId ?? "");
      const areas = await services.organisation.serviceAreas();
      if (area && !areas.some((a) => a.id === area))
        throw new CaseInputError("serviceAreaId", "Choose a service");
      const category = String(body.subjectCategory ?? "");
      if (category && !SUBJECT_CATEGORIES.some((c) => c.value === category))
        throw new CaseInputError("subjectCategory", "Choose a kind of person");
      await requests.cases.setDetails(request.audit, record.id, {
        serviceAreaId: area || null,
        topic:
          String(body.topic ?? "")
            .trim()
            .slice(0, 100) || null,
        subjectCategory: category || null,
      });
    },
    "details",
  );

  action(
    "status",
    async (request, record, body) => {
      await requests.cases.setStatus(request.audit, record.id, String(body.status ?? "") as never);
    },
    "status",
  );

  action(
    "close",
    async (request, record, body) => {
      await requests.cases.close(request.audit, record.id, {
        outcome: String(body.outcome ?? ""),
        closedOn: String(body.closedOn ?? "").trim(),
      });
    },
    "closed",
  );

  action(
    "reopen",
    async (request, record) => {
      await requests.cases.reopen(request.audit, record.id);
    },
    "reopened",
  );

  action(
    "exemptions",
    async (request, record, body) => {
      await requests.cases.addExemption(request.audit, record.id, {
        code: String(body.code ?? ""),
        publicInterest:
          typeof body.publicInterest === "string" ? body.publicInterest.slice(0, 10000) : undefined,
      });
    },
    "exemption",
  );

  action(
    "exemptions/remove",
    async (request, record, body) => {
      await requests.cases.removeExemption(
        request.audit,
        record.id,
        String(body.exemptionId ?? ""),
      );
    },
    "exemption",
  );

  action(
    "cost",
    async (request, record, body) => {
      const hours: Record<string, number> = {};
      for (const key of Object.keys(COST_ACTIVITIES)) {
        const raw = String(body[`hours_${key}`] ?? "").trim();
        if (raw === "") continue;
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0 || n > 10000)
          throw new CaseInputError(`hours_${key}`, "Enter hours as a number, like 2.5");
        hours[key] = n;
      }
      await requests.cases.setCostEstimate(request.audit, record.id, hours);
    },
    "cost",
  );

  action(
    "identity",
    async (request, record, body) => {
      await requests.cases.recordIdentity(request.audit, record.id, {
        evidence: String(body.evidence ?? ""),
        checkedOn: String(body.checkedOn ?? "").trim(),
      });
    },
    "identity",
  );

  action(
    "police",
    async (request, record, body) => {
      await requests.cases.recordPoliceDecision(request.audit, record.id, {
        exemption: String(body.exemption ?? ""),
        decidedBy: String(body.decidedBy ?? ""),
      });
    },
    "police",
  );

  action(
    "contributions",
    async (request, record, body) => {
      const area = String(body.contributionService ?? "");
      await requests.casework.askContribution(request.audit, record.id, {
        serviceAreaId: area || null,
        contactEmail: String(body.contactEmail ?? ""),
        question: String(body.question ?? "").slice(0, 5000),
        dueDate: String(body.contributionDue ?? ""),
      });
    },
    "contribution",
  );

  action(
    "contributions/received",
    async (request, record, body) => {
      await requests.casework.receiveContribution(
        request.audit,
        record.id,
        String(body.contributionId ?? ""),
        String(body.response ?? "").slice(0, 20000),
      );
    },
    "contribution-received",
  );

  app.post("/staff/requests/:id/documents", { config }, async (request, reply) => {
    const record = await load(request, true);
    const upload = await readMultipart(request);
    const purpose =
      upload.fields.purpose === "response"
        ? "response"
        : upload.fields.purpose === "received"
          ? "received"
          : "collected";
    try {
      await requests.casework.addAttachments(request.audit, record.id, upload.files, purpose);
    } catch (err) {
      if (err instanceof CaseInputError)
        return renderCase(request, reply, record, { errors: fieldError("file", err.message) });
      throw err;
    }
    return reply.redirect(`/staff/requests/${record.id}?done=documents#documents`, 303);
  });

  action(
    "documents/withheld",
    async (request, record, body) => {
      await requests.casework.markWithheld(
        request.audit,
        record.id,
        String(body.attachmentId ?? ""),
        String(body.withheldReason ?? "").slice(0, 1000),
      );
    },
    "withheld",
  );

  app.post("/staff/requests/:id/letters/draft", { config }, async (request, reply) => {
    const record = await load(request, true);
    const user = requireUser(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const draft = await requests.casework.draftLetter(
        record,
        String(body.templateId ?? ""),
        user.displayName,
      );
      return renderCase(request, reply, record, { letter: { ...draft, attachmentIds: [] } });
    } catch (err) {
      if (err instanceof CaseInputError)
        return renderCase(request, reply, record, { errors: fieldError(err.field, err.message) });
      throw err;
    }
  });

  action(
    "letters",
    async (request, record, body) => {
      await requests.casework.sendLetter(request.audit, record.id, {
        subject: String(body.subject ?? "").slice(0, 300),
        body: String(body.body ?? "").slice(0, 50000),
        attachmentIds: asArray(body.attachmentIds),
        confirmHiddenData: body.confirmHiddenData === "yes",
      });
    },
    "letter",
  );

  action(
    "linked",
    async (request, record, body) => {
      const created = await requests.cases.openLinked(request.audit, record.id, {
        type: String(body.linkedType ?? ""),
        received: String(body.linkedReceived ?? "").trim(),
        requestText: String(body.linkedText ?? "").slice(0, 20000),
        dueDate: String(body.linkedDue ?? "").trim() || undefined,
      });
      return `/staff/requests/${created.id}?done=linked`;
    },
    "linked",
  );

  action(
    "publish",
    async (request, record, body) => {
      const links = String(body.relatedLinks ?? "")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 20)
        .map((line) => {
          const m = /^(.*?)\s*\|\s*(\S+)$/.exec(line);
          return m ? { text: m[1] || m[2], href: m[2] } : { text: line, href: line };
        });
      const attachments = await requests.casework.hiddenDataIn(
        record.id,
        asArray(body.attachmentIds),
      );
      if (attachments.length > 0 && body.confirmHiddenData !== "yes")
        throw new CaseInputError(
          "confirmHiddenData",
          "The documents may contain hidden personal data: check them, then confirm",
        );
      await requests.disclosure.publish(request.audit, record.id, {
        title: String(body.title ?? "").slice(0, 300),
        requestText: String(body.publishRequestText ?? "").slice(0, 20000),
        responseText: String(body.responseText ?? "").slice(0, 50000),
        relatedLinks: links,
      });
    },
    "published",
  );

  action(
    "checklist",
    async (request, record) => {
      await requests.casework.buildSearchChecklist(request.audit, record.id);
    },
    "checklist",
  );

  action(
    "searches",
    async (request, record, body) => {
      await requests.casework.confirmSearch(
        request.audit,
        record.id,
        String(body.searchId ?? ""),
        String(body.searchNote ?? "").slice(0, 1000),
      );
    },
    "searched",
    { mustWork: false },
  );
}
