import type { FastifyInstance } from "fastify";
import { publicAccess } from "../../platform/auth/policy.ts";
import { calculateDeadline, DeadlineInputError } from "../../platform/calendar/index.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";

const problem = { $ref: "problem#" } as const;

/** Information requests. For now: the statutory deadline calculator, open to anyone. */
export async function requestsRoutes(app: FastifyInstance, services: Services) {
  app.get(
    "/api/v1/deadlines",
    {
      config: { policy: publicAccess },
      schema: {
        summary: "Work out a statutory response deadline, with its explanation",
        description:
          "FOI and EIR count working days across every part of the UK (FOIA s.10(6)); subject access and other data-rights requests run one calendar month (UK GDPR Art. 12(3)), rolled forward to a working day in the council's part of the UK.",
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
        });
      } catch (err) {
        if (err instanceof DeadlineInputError)
          throw new HttpError(400, err.message, { field: err.field });
        throw err;
      }
    },
  );
}
