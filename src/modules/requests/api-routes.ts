import type { FastifyInstance } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import { calculateDeadline, DeadlineInputError } from "../../platform/calendar/index.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import { canOpenCase, canSeePersonalData, caseworkers } from "./policy.ts";

const problem = { $ref: "problem#" } as const;

const caseSummarySchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    reference: { type: "string" },
    type: { type: "string" },
    status: { type: "string" },
    summary: { type: "string" },
    received: { type: "string" },
    dueDate: { type: ["string", "null"] },
    overdue: { type: "boolean" },
    assignedName: { type: ["string", "null"] },
    serviceName: { type: ["string", "null"] },
    closedOn: { type: ["string", "null"] },
  },
} as const;

const disclosureHitSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    reference: { type: "string" },
    type: { type: "string" },
    title: { type: "string" },
    outcome: { type: "string" },
    outcomeLabel: { type: "string" },
    service: { type: ["string", "null"] },
    topic: { type: ["string", "null"] },
    received: { type: "string" },
    publishedOn: { type: "string" },
    snippet: { type: "string" },
    relatedLinks: {
      type: "array",
      items: { type: "object", properties: { text: { type: "string" }, href: { type: "string" } } },
    },
  },
} as const;

/** The JSON API of information requests: deadlines, the disclosure log (public) and cases (staff). */
export async function requestsApiRoutes(app: FastifyInstance, services: Services) {
  const { requests } = services;

  app.get(
    "/api/v1/deadlines",
    {
      config: { policy: publicAccess },
      schema: {
        summary: "Work out a statutory response deadline, with its explanation",
        description:
          "FOI and EIR count working days across every part of the UK (FOIA s.10(6)); subject access and other data-rights requests run one calendar month (UK GDPR Art. 12(3)), rolled forward to a working day in the council's part of the UK. Bank holidays an administrator added or removed are applied.",
        tags: ["Requests"],
        querystring: {
          type: "object",
          required: ["type", "received"],
          properties: {
            type: {
              type: "string",
              description: "foi, eir, sar, internal-review, eir-reconsideration or police",
            },
            received: { type: "string", description: "Date of receipt, YYYY-MM-DD" },
            extended: {
              type: "string",
              enum: ["true", "false"],
              default: "false",
              description: "Apply the type's extension",
            },
            division: {
              type: "string",
              description:
                "For data-rights requests: england-and-wales, scotland or northern-ireland (default: the council's)",
            },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["due", "explanation"],
            additionalProperties: true,
            properties: {
              type: { type: "string" },
              received: { type: "string" },
              extended: { type: "boolean" },
              due: { type: "string", description: "YYYY-MM-DD" },
              rule: { type: "string" },
              explanation: { type: "string" },
              skipped: {
                type: "array",
                items: {
                  type: "object",
                  properties: { date: { type: "string" }, reason: { type: "string" } },
                },
              },
            },
          },
          400: problem,
        },
      },
    },
    async (request) => {
      const q = request.query as {
        type: string;
        received: string;
        extended?: "true" | "false";
        division?: string;
      };
      try {
        return calculateDeadline({
          type: q.type,
          received: q.received,
          extended: q.extended ?? "false",
          division: q.division ?? services.config.COUNCIL_DIVISION,
          policeTargetDays: requests.settings.REQUESTS_POLICE_TARGET_DAYS,
          calendar: await requests.calendar.calendar(),
        });
      } catch (err) {
        if (err instanceof DeadlineInputError)
          throw new HttpError(400, err.message, { field: err.field });
        throw err;
      }
    },
  );

  app.get(
    "/api/v1/disclosure-log",
    {
      config: { policy: publicAccess, rateLimit: { max: 120, timeWindow: "1 minute" } },
      schema: {
        summary: "Search the disclosure log of published FOI and EIR answers",
        description:
          "Full-text search (English stemming; quotes for phrases, - to exclude) with filters. Requesters' identities are never published.",
        tags: ["Disclosure log"],
        querystring: {
          type: "object",
          properties: {
            q: { type: "string", maxLength: 200 },
            service: { type: "string" },
            topic: { type: "string" },
            outcome: { type: "string" },
            type: { type: "string", enum: ["foi", "eir"] },
            from: { type: "string", description: "Published on or after, YYYY-MM-DD" },
            to: { type: "string", description: "Published on or before, YYYY-MM-DD" },
            page: { type: "integer", minimum: 1, maximum: 500, default: 1 },
            pageSize: { type: "integer", minimum: 1, maximum: 100, default: 20 },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              total: {
                type: "integer",
                description: "Matches, counted exactly up to 100 (totalIsCapped: more)",
              },
              totalIsCapped: { type: "boolean" },
              hasMore: { type: "boolean" },
              results: { type: "array", items: disclosureHitSchema },
            },
          },
          400: problem,
        },
      },
    },
    async (request) => requests.disclosure.search(request.query as Record<string, never>),
  );

  app.get(
    "/api/v1/disclosure-log/suggestions",
    {
      config: { policy: publicAccess, rateLimit: { max: 600, timeWindow: "1 minute" } },
      schema: {
        summary: "Published answers that may match what someone is typing",
        tags: ["Disclosure log"],
        querystring: {
          type: "object",
          required: ["q"],
          properties: { q: { type: "string", maxLength: 2000 } },
        },
        response: {
          200: {
            type: "object",
            properties: {
              suggestions: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    title: { type: "string" },
                    reference: { type: "string" },
                    publishedOn: { type: "string" },
                  },
                },
              },
            },
          },
          400: problem,
        },
      },
    },
    async (request) => ({
      suggestions: await requests.disclosure.suggest((request.query as { q: string }).q),
    }),
  );

  app.get(
    "/api/v1/disclosure-log/:id",
    {
      config: { policy: publicAccess, rateLimit: { max: 120, timeWindow: "1 minute" } },
      schema: {
        summary: "One published answer",
        tags: ["Disclosure log"],
        params: { type: "object", properties: { id: { type: "string" } } },
        response: {
          200: {
            type: "object",
            properties: {
              ...disclosureHitSchema.properties,
              requestText: { type: "string" },
              responseText: { type: "string" },
            },
          },
          404: problem,
        },
      },
    },
    async (request) => {
      const entry = await requests.disclosure.get((request.params as { id: string }).id);
      if (!entry) throw new HttpError(404, "No such published answer.");
      return entry;
    },
  );

  app.get(
    "/api/v1/requests",
    {
      config: { policy: caseworkers },
      schema: {
        summary: "Information request cases, soonest due first",
        description:
          "Open cases by default. SAR and police cases are listed only to those working them. Requires the caseworker, IG officer or DPO role.",
        tags: ["Requests"],
        security: [{ apiToken: [] }],
        querystring: {
          type: "object",
          properties: {
            overdue: { type: "string", enum: ["true", "false"] },
            closed: { type: "string", enum: ["true", "false"] },
            type: { type: "string" },
            mine: { type: "string", enum: ["true", "false"] },
            page: { type: "integer", minimum: 1, default: 1 },
            pageSize: { type: "integer", minimum: 1, maximum: 500, default: 50 },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              hasMore: { type: "boolean" },
              cases: { type: "array", items: caseSummarySchema },
            },
          },
          401: problem,
          403: problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const q = request.query as {
        overdue?: string;
        closed?: string;
        type?: string;
        mine?: string;
        page?: number;
        pageSize?: number;
      };
      const { cases, hasMore } = await requests.cases.list({
        overdue: q.overdue === "true",
        closed: q.closed === "true",
        type: q.type,
        assignedTo: q.mine === "true" ? user.id : undefined,
        page: q.page,
        pageSize: q.pageSize,
      });
      return { hasMore, cases: cases.filter((c) => canOpenCase(user, c)) };
    },
  );

  app.get(
    "/api/v1/requests/:reference",
    {
      config: { policy: caseworkers },
      schema: {
        summary: "One case with its clock explained",
        description:
          "The deadline's explanation, history of due dates, exemptions. Requester details only for those working the case; views of SAR and police cases are audited.",
        tags: ["Requests"],
        security: [{ apiToken: [] }],
        params: { type: "object", properties: { reference: { type: "string" } } },
        response: {
          200: {
            type: "object",
            additionalProperties: true,
            properties: {
              ...caseSummarySchema.properties,
              requester: {
                type: ["object", "null"],
                properties: {
                  name: { type: ["string", "null"] },
                  email: { type: ["string", "null"] },
                },
              },
              clock: { type: ["object", "null"], additionalProperties: true },
              exemptions: { type: "array", items: { type: "object", additionalProperties: true } },
              dueDateHistory: {
                type: "array",
                items: { type: "object", additionalProperties: true },
              },
            },
          },
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const id = await requests.cases.idForReference(
        (request.params as { reference: string }).reference,
      );
      const record = id ? await requests.cases.get(id) : undefined;
      if (!record) throw new HttpError(404, "No such case.");
      if (!canOpenCase(user, record))
        throw new HttpError(403, "Only those working this case may see it.");
      if (record.type === "sar" || record.type === "police")
        await requests.cases.recordView(request.audit, record);
      const clock = await requests.cases.clock(record);
      const personal = canSeePersonalData(user, record);
      return {
        id: record.id,
        reference: record.reference,
        type: record.type,
        status: record.status,
        summary: record.summary,
        received: record.received,
        dueDate: record.dueDate,
        overdue: record.overdue,
        assignedName: record.assignedName,
        serviceName: record.serviceName,
        closedOn: record.closedOn,
        outcome: record.outcome,
        requester: personal ? { name: record.requesterName, email: record.requesterEmail } : null,
        clock: clock ?? null,
        exemptions: record.exemptions,
        dueDateHistory: record.dueDateHistory,
      };
    },
  );
}
