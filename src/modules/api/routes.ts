import type { FastifyInstance } from "fastify";
import { adminOnly, anyRole, publicAccess, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";

const problem = { $ref: "problem#" } as const;
const errorResponses = { 400: problem, 401: problem, 403: problem };

/** Platform endpoints of the JSON API, the OpenAPI document and its documentation page. */
export async function apiRoutes(app: FastifyInstance, services: Services) {
  app.get(
    "/api/v1/openapi.json",
    { config: { policy: publicAccess }, schema: { hide: true } },
    async () => app.swagger(),
  );

  app.get(
    "/api/v1/docs",
    { config: { policy: publicAccess }, schema: { hide: true } },
    async (_request, reply) => {
      const doc = app.swagger() as {
        paths?: Record<
          string,
          Record<
            string,
            {
              summary?: string;
              description?: string;
              tags?: string[];
              parameters?: { name: string; in: string; required?: boolean; description?: string }[];
            }
          >
        >;
      };
      const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          path,
          method: method.toUpperCase(),
          summary: op.summary,
          description: op.description,
          parameters: op.parameters ?? [],
        })),
      );
      return reply.render("api/views/docs.njk", { pageTitle: "API documentation", operations });
    },
  );

  app.get(
    "/api/v1/me",
    {
      config: { policy: signedIn },
      schema: {
        summary: "Who the token or session belongs to",
        tags: ["Accounts"],
        security: [{ apiToken: [] }],
        response: {
          200: {
            type: "object",
            properties: {
              id: { type: "string" },
              email: { type: "string" },
              displayName: { type: "string" },
              roles: { type: "array", items: { type: "string" } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => request.user,
  );

  app.get(
    "/api/v1/users",
    {
      config: { policy: adminOnly },
      schema: {
        summary: "List staff accounts (administrators)",
        tags: ["Accounts"],
        security: [{ apiToken: [] }],
        response: {
          200: {
            type: "array",
            items: {
              type: "object",
              properties: {
                id: { type: "string" },
                email: { type: "string" },
                displayName: { type: "string" },
                jobTitle: { type: ["string", "null"] },
                roles: { type: "array", items: { type: "string" } },
                disabled: { type: "boolean" },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => services.users.list(),
  );

  app.get(
    "/api/v1/audit-events",
    {
      config: { policy: anyRole("administrator", "dpo") },
      schema: {
        summary: "Search the audit trail (administrators and the DPO)",
        tags: ["Audit"],
        security: [{ apiToken: [] }],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            actor: {
              type: "string",
              maxLength: 200,
              description: "Actor's name (contains) or account id",
            },
            entityType: { type: "string", maxLength: 100 },
            entityId: { type: "string", maxLength: 100 },
            action: { type: "string", maxLength: 100 },
            from: { type: "string", format: "date", description: "From this date (inclusive)" },
            to: { type: "string", format: "date", description: "Before this date (exclusive)" },
            limit: { type: "integer", minimum: 1, maximum: 500, default: 50 },
            page: { type: "integer", minimum: 1, default: 1 },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              hasMore: { type: "boolean", description: "Whether another page follows" },
              events: { type: "array", items: { type: "object", additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query as {
        actor?: string;
        entityType?: string;
        entityId?: string;
        action?: string;
        from?: string;
        to?: string;
        limit?: number;
        page?: number;
      };
      return services.audit.search({
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
    },
  );
}
