import type { FastifyInstance } from "fastify";
import { hasRole, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import type { Dpia } from "./dpia-service.ts";

const problem = { $ref: "problem#" } as const;
const errors = { 400: problem, 401: problem, 403: problem, 404: problem };

const summary = {
  type: "object",
  properties: {
    id: { type: "string" },
    reference: { type: "string" },
    title: { type: "string" },
    status: { type: "string", enum: ["screened", "draft", "approved", "revising"] },
    screeningResult: { type: "string", enum: ["required", "recommended", "not-needed"] },
    approvedVersion: {
      type: ["integer", "null"],
      description: "The signed-off version in force, if any",
    },
    reviewDate: { type: ["string", "null"] },
    residualHigh: {
      type: "boolean",
      description: "High residual risk: prior consultation with the ICO (Art. 36)",
    },
    assetIds: { type: "array", items: { type: "string" } },
    processingIds: { type: "array", items: { type: "string" } },
  },
} as const;

const present = (d: Dpia) => ({
  id: d.id,
  reference: d.reference,
  title: d.title,
  status: d.status,
  screeningResult: d.screeningResult,
  approvedVersion: d.approvedVersion,
  reviewDate: d.reviewDate,
  residualHigh: d.residualHigh,
  assetIds: d.assetIds,
  processingIds: d.processingIds,
});

/** DPIAs in the JSON API: the IG team sees all, anyone else their own. */
export async function dpiaApi(app: FastifyInstance, services: Services) {
  const { dpia } = services;
  const isIg = (roles: Parameters<typeof hasRole>[0]) =>
    hasRole(roles, "ig-officer", "dpo", "siro");

  app.get(
    "/api/v1/dpias",
    {
      config: { policy: signedIn },
      schema: {
        summary: "DPIAs and screenings (the IG team sees all; others their own)",
        tags: ["DPIAs"],
        security: [{ apiToken: [] }],
        response: { 200: { type: "array", items: summary }, ...errors },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return (await dpia.list(isIg(user) ? {} : { ownerId: user.id })).map(present);
    },
  );

  app.get(
    "/api/v1/dpias/approved",
    {
      config: { policy: signedIn },
      schema: {
        summary: "Signed-off DPIAs, for projects (such as record linkage) that must point at one",
        tags: ["DPIAs"],
        security: [{ apiToken: [] }],
        response: {
          200: {
            type: "array",
            items: {
              type: "object",
              properties: {
                id: { type: "string" },
                reference: { type: "string" },
                title: { type: "string" },
                version: { type: "integer" },
                signedOffAt: { type: "string", format: "date-time" },
                reviewDate: { type: ["string", "null"] },
              },
            },
          },
          ...errors,
        },
      },
    },
    async () =>
      (await dpia.approved()).map((a) => ({ ...a, signedOffAt: a.signedOffAt.toISOString() })),
  );

  app.get(
    "/api/v1/dpias/:id",
    {
      config: { policy: signedIn },
      schema: {
        summary: "One DPIA: screening, content, risks and versions",
        tags: ["DPIAs"],
        security: [{ apiToken: [] }],
        params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        response: { 200: { type: "object", additionalProperties: true }, ...errors },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const d = await dpia.get((request.params as { id: string }).id);
      if (!d) throw new HttpError(404, "There is no DPIA with that id.");
      if (d.ownerId !== user.id && !isIg(user)) throw new HttpError(403, "Not your DPIA.");
      return {
        ...present(d),
        screening: d.screening,
        content: d.content,
        versions: await dpia.versions(d.id),
      };
    },
  );
}
