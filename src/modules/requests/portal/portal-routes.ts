import { readFileSync } from "node:fs";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { systemActor } from "../../../platform/audit/audit-service.ts";
import { publicAccess } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import { type FormErrors, fieldError, parseForm } from "../../../platform/web/forms.ts";
import { todayIso } from "../cases/cases-service.ts";
import { exemption } from "../cases/vocabulary.ts";
import { guessType } from "../intake/intake-service.ts";
import { allFieldNames, CHOICES, FLOWS, type Flow } from "./flows.ts";

const suggestScript = readFileSync(new URL("./suggest.js", import.meta.url), "utf8");
const publicActor = { ...systemActor, actorLabel: "public request form" };

const formLimit = { max: 60, timeWindow: "1 minute" };
const sendLimit = { max: 10, timeWindow: "10 minutes" };

function stringValues(body: unknown, names: string[]): Record<string, string> {
  const source = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = source[n];
    if (typeof v === "string") out[n] = v.slice(0, 10_000);
  }
  return out;
}

/** The public side of information requests: choose, ask, check your answers, track. */
export async function portalRoutes(app: FastifyInstance, services: Services) {
  const { requests } = services;
  const config = { policy: publicAccess };

  app.get("/requests/suggest.js", { config, schema: { hide: true } }, (_request, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send(suggestScript),
  );

  app.get("/requests/new", { config }, (_request, reply) =>
    reply.render("requests/portal/views/choose.njk", {
      pageTitle: "Make a request",
      choices: CHOICES,
      values: {},
    }),
  );

  app.post(
    "/requests/new",
    { config: { ...config, rateLimit: formLimit } },
    async (request, reply) => {
      const form = parseForm(
        z.object({
          kind: z.enum(Object.keys(FLOWS) as [string, ...string[]], {
            error: "Select what you want to do",
          }),
        }),
        request.body,
      );
      if (!form.ok)
        return reply.code(400).render("requests/portal/views/choose.njk", {
          pageTitle: "Make a request",
          choices: CHOICES,
          errors: form.errors,
          values: form.values,
        });
      return reply.redirect(`/requests/new/${form.value.kind}`, 303);
    },
  );

  function flowOf(kind: string): Flow {
    const flow = FLOWS[kind];
    if (!flow) throw Object.assign(new Error("No such form"), { statusCode: 404 });
    return flow;
  }

  function renderStep(
    reply: FastifyReply,
    flow: Flow,
    index: number,
    values: Record<string, string>,
    errors?: FormErrors,
  ) {
    const step = flow.steps[index];
    const own = new Set(step.fields.map((f) => f.name));
    const carried = allFieldNames(flow)
      .filter((n) => !own.has(n) && values[n] !== undefined)
      .map((n) => ({ name: n, value: values[n] }));
    return reply.code(errors ? 400 : 200).render("requests/portal/views/step.njk", {
      pageTitle: step.title,
      flow,
      step,
      stepNumber: index + 1,
      stepCount: flow.steps.length,
      values,
      carried,
      checked: values._checked,
      errors,
      suggest: flow.kind === "information" && step.id === "request",
    });
  }

  function renderCheck(reply: FastifyReply, flow: Flow, values: Record<string, string>) {
    const rows = flow.steps.flatMap((step) =>
      step.fields.map((f) => ({
        step: step.id,
        label: f.short,
        value:
          f.kind === "radios"
            ? (f.options?.find((o) => o.value === values[f.name])?.text ?? "")
            : (values[f.name] ?? ""),
        name: f.name,
      })),
    );
    const hidden = allFieldNames(flow)
      .filter((n) => values[n] !== undefined)
      .map((n) => ({ name: n, value: values[n] }));
    return reply.render("requests/portal/views/check.njk", {
      pageTitle: "Check your answers before sending your request",
      flow,
      rows,
      hidden,
    });
  }

  app.get("/requests/new/:kind", { config }, (request, reply) => {
    const kind = (request.params as { kind: string }).kind;
    if (!FLOWS[kind]) return reply.callNotFound();
    return renderStep(reply, flowOf(kind), 0, {});
  });

  app.post(
    "/requests/new/:kind",
    { config: { ...config, rateLimit: formLimit } },
    async (request, reply) => {
      const kind = (request.params as { kind: string }).kind;
      if (!FLOWS[kind]) return reply.callNotFound();
      const flow = flowOf(kind);
      const values = stringValues(request.body, [
        ...allFieldNames(flow),
        "_step",
        "_checked",
        "change",
      ]);
      if (values.change) {
        const index = flow.steps.findIndex((s) => s.id === values.change);
        return renderStep(reply, flow, Math.max(index, 0), values);
      }
      const index = Math.max(
        flow.steps.findIndex((s) => s.id === values._step),
        0,
      );
      const step = flow.steps[index];
      const form = parseForm(step.schema, values);
      if (!form.ok) return renderStep(reply, flow, index, values, form.errors);
      const cleaned = {
        ...values,
        ...Object.fromEntries(Object.entries(form.value).map(([k, v]) => [k, String(v ?? "")])),
      };
      // No JavaScript, or the suggestions were not looked at: show published answers before going on.
      if (flow.kind === "information" && step.id === "request" && cleaned._checked !== "1") {
        const suggestions = await requests.disclosure.suggest(cleaned.requestText, 5);
        if (suggestions.length > 0)
          return reply.render("requests/portal/views/existing.njk", {
            pageTitle: "We may already have published an answer",
            suggestions,
            hidden: Object.entries(cleaned)
              .filter(([k]) => allFieldNames(flow).includes(k))
              .map(([name, value]) => ({ name, value })),
            kind: flow.kind,
          });
      }
      if (index + 1 < flow.steps.length) return renderStep(reply, flow, index + 1, cleaned);
      return renderCheck(reply, flow, cleaned);
    },
  );

  app.post(
    "/requests/new/:kind/send",
    { config: { ...config, rateLimit: sendLimit } },
    async (request, reply) => {
      const kind = (request.params as { kind: string }).kind;
      if (!FLOWS[kind]) return reply.callNotFound();
      const flow = flowOf(kind);
      const values = stringValues(request.body, allFieldNames(flow));
      const parsed: Record<string, string> = {};
      for (const [index, step] of flow.steps.entries()) {
        const form = parseForm(step.schema, values);
        if (!form.ok) return renderStep(reply, flow, index, values, form.errors);
        for (const [k, v] of Object.entries(form.value)) if (v !== undefined) parsed[k] = String(v);
      }
      const received = todayIso();
      const common = {
        received,
        channel: "web" as const,
        requesterName: parsed.requesterName,
        requesterEmail: parsed.requesterEmail,
        requesterAddress: parsed.requesterAddress || null,
      };
      let ack: { reference: string; statusToken: string };
      if (kind === "information") {
        const guess = guessType(parsed.requestText);
        ack = await requests.intake.receive(publicActor, {
          ...common,
          type: guess.type === "eir" ? "eir" : "foi",
          summary: parsed.requestText.split(/\n/)[0].slice(0, 120),
          requestText: parsed.requestText,
        });
      } else if (kind === "personal-data") {
        ack = await requests.intake.receive(publicActor, {
          ...common,
          type: "sar",
          dataRight: parsed.dataRight,
          summary: `${parsed.dataRight.charAt(0).toUpperCase()}${parsed.dataRight.slice(1)} request`,
          requestText: parsed.otherNames
            ? `${parsed.requestText}\n\nOther names or addresses: ${parsed.otherNames}`
            : parsed.requestText,
        });
      } else if (kind === "police-or-organisation") {
        ack = await requests.intake.receive(publicActor, {
          ...common,
          type: "police",
          requesterOrganisation: parsed.requesterOrganisation,
          policeExemption: parsed.policeExemption,
          summary: `Request from ${parsed.requesterOrganisation}${parsed.theirReference ? ` (their ref. ${parsed.theirReference})` : ""}`,
          requestText: `${parsed.requestText}\n\nPurpose: ${parsed.purpose}\n\nExemption relied on: ${exemption(parsed.policeExemption)?.label ?? parsed.policeExemption}`,
        });
      } else {
        const parentId = await requests.cases.idForReference(parsed.originalReference);
        const parent = parentId ? await requests.cases.get(parentId) : undefined;
        const linked =
          parent && parent.requesterEmail === parsed.requesterEmail ? parent : undefined;
        if (parent && !linked)
          return renderStep(
            reply,
            flow,
            1,
            values,
            fieldError(
              "requesterEmail",
              "Use the email address you gave with your original request",
            ),
          );
        if (!parent)
          return renderStep(
            reply,
            flow,
            0,
            values,
            fieldError(
              "originalReference",
              "We cannot find a request with that reference. Check it and try again",
            ),
          );
        ack = await requests.intake.receive(publicActor, {
          ...common,
          type: linked?.type === "eir" ? "eir-reconsideration" : "internal-review",
          parentId: linked?.id ?? null,
          serviceAreaId: linked?.serviceAreaId ?? null,
          summary: `Review of ${parsed.originalReference}`,
          requestText: parsed.requestText,
        });
      }
      return reply.redirect(
        `/requests/status/${encodeURIComponent(ack.reference)}?token=${ack.statusToken}&new=1`,
        303,
      );
    },
  );

  // Tracking a request -------------------------------------------------------------------------

  const statusForm = z.object({
    reference: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2,4}-\d{4}-\d{5}$/, "Enter the reference in the format FOI-2026-00012"),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
        "Enter an email address in the correct format, like name@example.com",
      ),
  });

  app.get("/requests/status", { config }, (_request, reply) =>
    reply.render("requests/portal/views/status-form.njk", {
      pageTitle: "Check the progress of your request",
      values: {},
    }),
  );

  app.post(
    "/requests/status",
    { config: { ...config, rateLimit: { max: 10, timeWindow: "10 minutes" } } },
    async (request, reply) => {
      const form = parseForm(statusForm, request.body);
      if (!form.ok)
        return reply.code(400).render("requests/portal/views/status-form.njk", {
          pageTitle: "Check the progress of your request",
          errors: form.errors,
          values: form.values,
        });
      const found = await requests.cases.newStatusToken(form.value.reference, form.value.email);
      if (found)
        await services.mail.send(
          found.email,
          `Your request ${found.reference}: progress link`,
          `Use this link to see the progress of your request ${found.reference}:\n${requests.intake.statusLink(found.reference, found.token)}\n\nIf you did not ask for this link, you can ignore this email.`,
        );
      // The same answer either way, so the form cannot be used to find out who made a request.
      return reply.redirect("/requests/status/sent", 303);
    },
  );

  app.get("/requests/status/sent", { config }, (_request, reply) =>
    reply.render("requests/portal/views/status-sent.njk", { pageTitle: "Check your email" }),
  );

  app.get(
    "/requests/status/:reference",
    { config: { ...config, rateLimit: formLimit } },
    async (request, reply) => {
      const { reference } = request.params as { reference: string };
      const { token, new: isNew } = request.query as { token?: string; new?: string };
      const status = token
        ? await requests.cases.statusFor(reference, token.slice(0, 100))
        : undefined;
      reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
      if (!status)
        return reply.code(404).render("requests/portal/views/status-invalid.njk", {
          pageTitle: "This link does not work",
        });
      return reply.render("requests/portal/views/status.njk", {
        pageTitle: isNew ? "Request sent" : `Your request ${status.reference}`,
        status,
        isNew: isNew === "1",
      });
    },
  );
}
