import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { modules } from "../../modules/index.ts";
import { publicAccess } from "../auth/policy.ts";
import type { Services } from "../services.ts";
import { setUpErrorHandling } from "./errors.ts";
import { administrationNavigation, dashboardNavigation } from "./navigation.ts";
import { enforcePolicy, type RegisteredRoute, setUpPolicies } from "./policy-hook.ts";
import { setUpRendering } from "./render.ts";
import { setUpWebSecurity } from "./security.ts";
import { setUpCsrf, setUpIdentity } from "./session-hook.ts";
import "./types.ts";
import { MAX_UPLOAD_BYTES } from "./uploads.ts";
import { createViews } from "./views.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface AppOptions {
  logger?: FastifyServerOptions["logger"];
  cookieSecret: string;
}

export type StewardApp = FastifyInstance & { registeredRoutes: RegisteredRoute[] };

/** Logs are for operators: no cookies, no tokens, no query strings (they can hold names or emails). */
export function loggerOptions(level: string): FastifyServerOptions["logger"] {
  return {
    level,
    redact: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: req.url.split("?")[0],
        requestId: req.id,
      }),
    },
  };
}

/** Builds the web application from ready services: a list of named set-up steps. */
export async function buildApp(services: Services, options: AppOptions): Promise<StewardApp> {
  const { config } = services;
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: (req) =>
      typeof req.headers["x-request-id"] === "string" &&
      /^[\w-]{8,64}$/.test(req.headers["x-request-id"])
        ? req.headers["x-request-id"]
        : randomUUID(),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 5 * 1024 * 1024,
  }) as unknown as StewardApp;
  app.registeredRoutes = setUpPolicies(app);

  const navigation = [
    ...dashboardNavigation,
    ...modules.flatMap((m) => m.navigation ?? []),
    ...administrationNavigation,
  ];
  setUpRendering(
    app,
    createViews({
      serviceName: "Steward",
      councilName: config.COUNCIL_NAME,
      demoData: !!(await services.settings.get("demo.loaded")),
    }),
    navigation,
    config.NODE_ENV === "production",
  );
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (request.user) reply.header("cache-control", "no-store");
  });

  setUpWebSecurity(app, { production: config.NODE_ENV === "production" });
  await app.register(cookie, { secret: options.cookieSecret });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 20, fields: 500 } });
  await app.register(rateLimit, { global: false });
  setUpIdentity(app, services);
  app.addHook("onRequest", enforcePolicy);
  setUpCsrf(app);
  setUpErrorHandling(app, { showStack: config.NODE_ENV === "development" });
  await setUpStaticFiles(app);
  await setUpOpenApi(app);
  addSharedSchemas(app);
  setUpHealthChecks(app, services);

  for (const mod of modules) await app.register(async (scope) => mod.routes(scope, services));
  return app;
}

async function setUpStaticFiles(app: FastifyInstance) {
  await app.register(fastifyStatic, {
    root: `${root}node_modules/govuk-frontend/dist/govuk`,
    serve: false,
  });
  const config = { policy: publicAccess };
  const immutable = { maxAge: "7d", immutable: false };
  app.get("/govuk/*", { config, schema: { hide: true } }, (req, reply) => {
    const file = (req.params as { "*": string })["*"];
    if (!/^(assets\/.+|govuk-frontend\.min\.(css|js)(\.map)?)$/.test(file))
      return reply.callNotFound();
    return reply.sendFile(file, immutable);
  });
  app.get("/public/*", { config, schema: { hide: true } }, (req, reply) =>
    reply.sendFile(
      (req.params as { "*": string })["*"],
      `${root}src/platform/web/public`,
      immutable,
    ),
  );
  app.get("/favicon.ico", { config, schema: { hide: true } }, (_req, reply) =>
    reply.sendFile("assets/images/favicon.ico", immutable),
  );
}

async function setUpOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Steward API",
        version: "1",
        description:
          "Information management for UK councils. Authenticate with a personal API token: `Authorization: Bearer stw_…`. Errors are RFC 9457 problem details.",
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          apiToken: {
            type: "http",
            scheme: "bearer",
            description: "A personal API token from Your account → API tokens",
          },
        },
      },
    },
    transform: ({ schema, url }) => {
      const s = (schema ?? {}) as Record<string, unknown>;
      return { schema: (url.startsWith("/api/") ? s : { ...s, hide: true }) as never, url };
    },
  });
}

/** Shared JSON schemas that API routes refer to with { $ref: "problem#" }. */
function addSharedSchemas(app: FastifyInstance) {
  app.addSchema({
    $id: "problem",
    type: "object",
    description: "RFC 9457 problem details",
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      instance: { type: "string" },
      requestId: { type: "string" },
    },
  });
}

function setUpHealthChecks(app: FastifyInstance, services: Services) {
  const config = { policy: publicAccess };
  app.get("/healthz", { config, schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { config, schema: { hide: true } }, async (_req, reply) => {
    try {
      await services.settings.get("ping");
      return { status: "ready", database: services.database.kind };
    } catch {
      return reply.code(503).send({ status: "unavailable", database: services.database.kind });
    }
  });
}
