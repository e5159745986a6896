import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { anyRole, type Policy, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { ASSET_FIELDS } from "./asset-fields.ts";
import { ASSET_SORTS, type AssetSort } from "./assets-service.ts";
import { RegisterConflictError, RegisterInputError } from "./errors.ts";
import { jsonSchemaFor } from "./fields.ts";
import { FLOW_FIELDS } from "./flows/flow-fields.ts";
import { PROCESSING_FIELDS } from "./processing/processing-fields.ts";
import { DATA_SUBJECT_CATEGORIES, MARKINGS } from "./vocabularies.ts";

const problem = { $ref: "problem#" } as const;
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const security = [{ apiToken: [] }];
const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;

const recordOut = (fields: typeof ASSET_FIELDS, extra: Record<string, unknown>) => ({
  ...jsonSchemaFor(fields, { extra: { id: { type: "string", format: "uuid" }, ...extra } }),
  additionalProperties: true,
});
const assetOut = recordOut(ASSET_FIELDS, {
  ownerLabel: { type: ["string", "null"] },
  serviceAreaName: { type: ["string", "null"] },
  specialCategory: { type: "boolean" },
  criminalOffence: { type: "boolean" },
  reviewOverdue: { type: "boolean" },
});
const processingOut = recordOut(PROCESSING_FIELDS, {
  assets: {
    type: "array",
    items: {
      type: "object",
      properties: {
        id: { type: "string" },
        reference: { type: "string" },
        name: { type: "string" },
      },
    },
  },
});
const flowOut = recordOut(FLOW_FIELDS, {
  fromLabel: { type: "string" },
  toLabel: { type: "string" },
  external: { type: "boolean" },
  risks: { type: "array", items: { type: "string" }, description: "Why it is a transfer at risk" },
});
const pageOf = (item: unknown) => ({
  type: "object",
  properties: {
    items: { type: "array", items: item },
    total: { type: "integer" },
    page: { type: "integer" },
    pageSize: { type: "integer" },
    pages: { type: "integer" },
  },
});
const yesNo = { type: "boolean" } as const;
const paging = {
  page: { type: "integer", minimum: 1, maximum: 100000, default: 1 },
  pageSize: { type: "integer", minimum: 1, maximum: 500, default: 25 },
} as const;

/** Runs a service call, turning the register's errors into problem details. */
async function call<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof RegisterInputError)
      throw new HttpError(400, err.message, {
        errors: err.problems.map((p) => ({ field: p.field, message: p.message })),
      });
    if (err instanceof RegisterConflictError)
      throw new HttpError(/^No such/.test(err.message) ? 404 : 409, err.message);
    throw err;
  }
}

function id(request: FastifyRequest) {
  return (request.params as { id: string }).id;
}

/** The asset register, the record of processing and the data flows as JSON, with the pages' permissions. */
export async function assetApiRoutes(app: FastifyInstance, services: Services) {
  const { assets, processing, flows } = services;
  const route = (
    tag: string,
    summary: string,
    policy: Policy,
    schema: Record<string, unknown>,
  ) => ({ config: { policy }, schema: { summary, tags: [tag], security, ...schema } });

  // Assets ------------------------------------------------------------------------------------
  app.get(
    "/api/v1/assets",
    route("Asset register", "List and filter the information asset register", signedIn, {
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          q: {
            type: "string",
            maxLength: 200,
            description: "Search names, references, descriptions, systems and suppliers",
          },
          serviceAreaId: { type: "string", format: "uuid" },
          ownerId: { type: "string", format: "uuid" },
          marking: { type: "string", enum: MARKINGS.map((m) => m.value) },
          holdsPersonalData: yesNo,
          specialCategory: yesNo,
          dataSubjectCategory: {
            type: "string",
            enum: DATA_SUBJECT_CATEGORIES.map((m) => m.value),
          },
          thirdPartyHosted: yesNo,
          reviewOverdue: yesNo,
          sort: { type: "string", enum: Object.keys(ASSET_SORTS), default: "name" },
          order: { type: "string", enum: ["asc", "desc"], default: "asc" },
          ...paging,
        },
      },
      response: { 200: pageOf(assetOut), ...errors },
    }),
    async (request) => {
      const q = request.query as Record<string, unknown> & {
        q?: string;
        sort?: AssetSort;
        order?: string;
      };
      return assets.list({
        search: q.q,
        serviceAreaId: q.serviceAreaId as string | undefined,
        ownerId: q.ownerId as string | undefined,
        marking: q.marking as string | undefined,
        holdsPersonalData: q.holdsPersonalData as boolean | undefined,
        specialCategory: q.specialCategory as boolean | undefined,
        dataSubjectCategory: q.dataSubjectCategory as string | undefined,
        thirdPartyHosted: q.thirdPartyHosted as boolean | undefined,
        reviewOverdue: q.reviewOverdue as boolean | undefined,
        sort: q.sort,
        descending: q.order === "desc",
        page: q.page as number,
        pageSize: q.pageSize as number,
      });
    },
  );

  app.get(
    "/api/v1/assets/:id",
    route("Asset register", "One information asset, with its risks", signedIn, {
      params: idParams,
      response: { 200: assetOut, ...errors },
    }),
    async (request) => {
      const asset = await assets.get(id(request));
      if (!asset) throw new HttpError(404, "No such asset.");
      return { ...asset, risks: await assets.risks(asset.id) };
    },
  );

  app.post(
    "/api/v1/assets",
    route(
      "Asset register",
      "Add an information asset (asset owners, information governance officers, the DPO)",
      anyRole("asset-owner", "ig-officer", "dpo"),
      {
        body: jsonSchemaFor(ASSET_FIELDS, { requireRequired: true }),
        response: { 201: assetOut, ...errors },
      },
    ),
    async (request, reply: FastifyReply) => {
      const body = { ...(request.body as Record<string, unknown>) };
      if (!assets.canManage(request.user)) body.ownerId = request.user?.id;
      const asset = await call(() => assets.create(request.audit, body));
      return reply.code(201).send(asset);
    },
  );

  app.patch(
    "/api/v1/assets/:id",
    route(
      "Asset register",
      "Change some fields of an asset (its owner, information governance officers, the DPO)",
      signedIn,
      {
        params: idParams,
        body: jsonSchemaFor(ASSET_FIELDS),
        response: { 200: assetOut, ...errors },
      },
    ),
    async (request) => {
      const asset = await assets.get(id(request));
      if (!asset) throw new HttpError(404, "No such asset.");
      if (!assets.canEdit(request.user, asset))
        throw new HttpError(
          403,
          "Only the asset's owner, information governance officers and the DPO can change it.",
        );
      const body = { ...(request.body as Record<string, unknown>) };
      if (!assets.canManage(request.user) && "ownerId" in body && body.ownerId !== asset.ownerId)
        throw new HttpError(
          403,
          "Only information governance officers and the DPO can change an asset's owner.",
        );
      return call(() => assets.patch(request.audit, asset.id, body));
    },
  );

  app.delete(
    "/api/v1/assets/:id",
    route(
      "Asset register",
      "Remove an asset (information governance officers, the DPO)",
      anyRole("ig-officer", "dpo"),
      {
        params: idParams,
        response: { 204: { type: "null" }, ...errors },
      },
    ),
    async (request, reply: FastifyReply) => {
      await call(() => assets.remove(request.audit, id(request)));
      return reply.code(204).send();
    },
  );

  // Processing activities ------------------------------------------------------------------------
  const keepers = anyRole("ig-officer", "dpo");
  app.get(
    "/api/v1/processing-activities",
    route("Record of processing", "List the record of processing activities (Art. 30)", signedIn, {
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          q: { type: "string", maxLength: 200 },
          serviceAreaId: { type: "string", format: "uuid" },
          ...paging,
        },
      },
      response: { 200: pageOf(processingOut), ...errors },
    }),
    async (request) => {
      const q = request.query as {
        q?: string;
        serviceAreaId?: string;
        page?: number;
        pageSize?: number;
      };
      return processing.list({
        search: q.q,
        serviceAreaId: q.serviceAreaId,
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  );

  app.get(
    "/api/v1/processing-activities/:id",
    route("Record of processing", "One processing activity", signedIn, {
      params: idParams,
      response: { 200: processingOut, ...errors },
    }),
    async (request) => {
      const activity = await processing.get(id(request));
      if (!activity) throw new HttpError(404, "No such processing activity.");
      return activity;
    },
  );

  app.post(
    "/api/v1/processing-activities",
    route(
      "Record of processing",
      "Add a processing activity (information governance officers, the DPO)",
      keepers,
      {
        body: jsonSchemaFor(PROCESSING_FIELDS, { requireRequired: true }),
        response: { 201: processingOut, ...errors },
      },
    ),
    async (request, reply: FastifyReply) =>
      reply.code(201).send(await call(() => processing.create(request.audit, request.body))),
  );

  app.patch(
    "/api/v1/processing-activities/:id",
    route("Record of processing", "Change some fields of a processing activity", keepers, {
      params: idParams,
      body: jsonSchemaFor(PROCESSING_FIELDS),
      response: { 200: processingOut, ...errors },
    }),
    async (request) =>
      call(() =>
        processing.patch(request.audit, id(request), request.body as Record<string, unknown>),
      ),
  );

  app.delete(
    "/api/v1/processing-activities/:id",
    route("Record of processing", "Remove a processing activity", keepers, {
      params: idParams,
      response: { 204: { type: "null" }, ...errors },
    }),
    async (request, reply: FastifyReply) => {
      await call(() => processing.remove(request.audit, id(request)));
      return reply.code(204).send();
    },
  );

  // Data flows ----------------------------------------------------------------------------------
  app.get(
    "/api/v1/data-flows",
    route("Data flows", "List and filter data flows and transfers", signedIn, {
      querystring: {
        type: "object",
        additionalProperties: false,
        properties: {
          q: { type: "string", maxLength: 200 },
          serviceAreaId: { type: "string", format: "uuid" },
          assetId: { type: "string", format: "uuid" },
          personalData: yesNo,
          specialCategory: yesNo,
          external: yesNo,
          international: yesNo,
          noAgreement: yesNo,
          atRisk: { type: "boolean", description: "Only transfers at risk" },
          ...paging,
        },
      },
      response: { 200: pageOf(flowOut), ...errors },
    }),
    async (request) => {
      const q = request.query as Record<string, unknown> & { q?: string };
      return flows.list({ ...q, search: q.q } as Parameters<typeof flows.list>[0]);
    },
  );

  app.get(
    "/api/v1/data-flows/:id",
    route("Data flows", "One data flow", signedIn, {
      params: idParams,
      response: { 200: flowOut, ...errors },
    }),
    async (request) => {
      const flow = await flows.get(id(request));
      if (!flow) throw new HttpError(404, "No such data flow.");
      return flow;
    },
  );

  app.post(
    "/api/v1/data-flows",
    route(
      "Data flows",
      "Add a data flow (asset owners, information governance officers, the DPO)",
      anyRole("asset-owner", "ig-officer", "dpo"),
      {
        body: jsonSchemaFor(FLOW_FIELDS, { requireRequired: true }),
        response: { 201: flowOut, ...errors },
      },
    ),
    async (request, reply: FastifyReply) =>
      reply.code(201).send(await call(() => flows.create(request.audit, request.body))),
  );

  app.patch(
    "/api/v1/data-flows/:id",
    route(
      "Data flows",
      "Change some fields of a data flow (owners of either end, IG officers, the DPO)",
      signedIn,
      {
        params: idParams,
        body: jsonSchemaFor(FLOW_FIELDS),
        response: { 200: flowOut, ...errors },
      },
    ),
    async (request) => {
      const flow = await flows.get(id(request));
      if (!flow) throw new HttpError(404, "No such data flow.");
      if (!(await flows.canEdit(request.user, flow)))
        throw new HttpError(
          403,
          "Only the owners of the assets at either end and the IG team can change this flow.",
        );
      return call(() =>
        flows.patch(request.audit, flow.id, request.body as Record<string, unknown>),
      );
    },
  );

  app.delete(
    "/api/v1/data-flows/:id",
    route(
      "Data flows",
      "Remove a data flow (owners of either end, IG officers, the DPO)",
      signedIn,
      {
        params: idParams,
        response: { 204: { type: "null" }, ...errors },
      },
    ),
    async (request, reply: FastifyReply) => {
      const flow = await flows.get(id(request));
      if (!flow) throw new HttpError(404, "No such data flow.");
      if (!(await flows.canEdit(request.user, flow)))
        throw new HttpError(
          403,
          "Only the owners of the assets at either end and the IG team can remove this flow.",
        );
      await call(() => flows.remove(request.audit, flow.id));
      return reply.code(204).send();
    },
  );
}
