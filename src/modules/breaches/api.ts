import type { FastifyInstance } from "fastify";
import { signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import { type Breach, BreachInputError } from "./breaches-service.ts";
import type { BreachClock } from "./clock.ts";
import { clean } from "./form-helpers.ts";
import { igTeam } from "./policy.ts";

const problem = { $ref: "problem#" } as const;
const errors = { 400: problem, 401: problem, 403: problem, 404: problem };

const clockSchema = {
  type: "object",
  properties: {
    state: {
      type: "string",
      enum: ["running", "overdue", "reported-in-time", "reported-late", "not-reportable"],
    },
    deadline: { type: "string", format: "date-time" },
    hoursLeft: {
      type: "integer",
      description: "Whole hours left before the deadline, rounded down; negative once past",
    },
    label: { type: "string" },
    delayReasonRequired: { type: "boolean" },
  },
} as const;

const summarySchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    reference: { type: "string" },
    title: { type: "string" },
    status: { type: "string", enum: ["reported", "investigating", "closed"] },
    awareAt: { type: "string", format: "date-time" },
    specialCategory: { type: "boolean" },
    recommendation: { type: "string" },
    decision: { type: ["string", "null"] },
    clock: clockSchema,
  },
} as const;

function presentClock(c: BreachClock) {
  return {
    state: c.state,
    deadline: c.deadline.toISOString(),
    hoursLeft: c.hoursLeft,
    label: c.label,
    delayReasonRequired: c.delayReasonRequired,
  };
}

function presentSummary(b: Breach, clock: BreachClock, recommendation: string) {
  return {
    id: b.id,
    reference: b.reference,
    title: b.title,
    status: b.status,
    awareAt: b.awareAt.toISOString(),
    specialCategory: b.specialCategory,
    recommendation,
    decision: b.decision,
    clock: presentClock(clock),
  };
}

/** Breaches in the JSON API, with the same permissions as the pages. */
export async function breachesApi(app: FastifyInstance, services: Services) {
  const { breaches } = services;

  app.get(
    "/api/v1/breaches",
    {
      config: { policy: igTeam },
      schema: {
        summary: "Personal data breaches with their 72-hour clocks (IG team, DPO, SIRO)",
        tags: ["Breaches"],
        security: [{ apiToken: [] }],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            state: { type: "string", enum: ["open", "closed", "all"], default: "open" },
          },
        },
        response: { 200: { type: "array", items: summarySchema }, ...errors },
      },
    },
    async (request) => {
      const { state } = request.query as { state?: "open" | "closed" | "all" };
      const items = await breaches.list({ state });
      await services.audit.record(request.audit, {
        action: "view",
        entityType: "breach-list",
        summary: `Breach list (${state ?? "open"}) read through the API`,
      });
      return items.map((i) => presentSummary(i.breach, i.clock, i.assessment.outcome));
    },
  );

  app.get(
    "/api/v1/breaches/:id",
    {
      config: { policy: igTeam },
      schema: {
        summary:
          "One breach: the facts, the clock, the recommendation and its reasons, notifications and actions",
        description: "Every read is recorded in the audit trail.",
        tags: ["Breaches"],
        security: [{ apiToken: [] }],
        params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        response: { 200: { type: "object", additionalProperties: true }, ...errors },
      },
    },
    async (request) => {
      const c = await breaches.get(request.audit, (request.params as { id: string }).id);
      if (!c) throw new HttpError(404, "There is no breach with that id.");
      return {
        ...presentSummary(c.breach, c.clock, c.assessment.outcome),
        breach: c.breach,
        assessment: c.assessment,
        notifications: c.notifications,
        actions: c.actions,
      };
    },
  );

  app.post(
    "/api/v1/breaches",
    {
      config: { policy: signedIn },
      schema: {
        summary: "Report a suspected personal data breach (any member of staff)",
        description:
          "The IG team is alerted by email at once. The 72-hour clock starts at discoveredAt, or now.",
        tags: ["Breaches"],
        security: [{ apiToken: [] }],
        body: {
          type: "object",
          required: ["summary", "dataInvolved"],
          additionalProperties: false,
          properties: {
            summary: {
              type: "string",
              minLength: 1,
              maxLength: 5000,
              description: "What happened",
            },
            dataInvolved: {
              type: "string",
              minLength: 1,
              maxLength: 5000,
              description: "What information was involved",
            },
            whoKnows: { type: "string", maxLength: 2000 },
            occurredAt: { type: "string", format: "date-time" },
            discoveredAt: { type: "string", format: "date-time" },
          },
        },
        response: {
          201: {
            type: "object",
            properties: { id: { type: "string" }, reference: { type: "string" } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const body = clean(request.body) as {
        summary: string;
        dataInvolved: string;
        whoKnows?: string;
        occurredAt?: string;
        discoveredAt?: string;
      };
      const when = (v: string | undefined, field: string) => {
        if (!v) return null;
        const d = new Date(v);
        if (Number.isNaN(d.getTime()))
          throw new HttpError(400, `${field} is not a date and time`, { field });
        return d;
      };
      const occurredAt = when(body.occurredAt, "occurredAt");
      const discoveredAt = when(body.discoveredAt, "discoveredAt");
      try {
        const b = await breaches.report(request.audit, user.id, {
          summary: body.summary.trim(),
          dataInvolved: body.dataInvolved.trim(),
          whoKnows: body.whoKnows?.trim() || null,
          occurredAt,
          discoveredAt,
        });
        return reply.code(201).send({ id: b.id, reference: b.reference });
      } catch (err) {
        if (err instanceof BreachInputError)
          throw new HttpError(400, err.message, { field: err.field });
        throw err;
      }
    },
  );
}
