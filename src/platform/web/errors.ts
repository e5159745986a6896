import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Principal } from "../auth/policy.ts";

/** An error meant for the user: its status and message are shown as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign in required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
};

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith("/api/");
}

/** RFC 9457 problem details: the one error shape of the API. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return reply
    .code(status)
    .type("application/problem+json")
    .send({
      type: "about:blank",
      title: TITLES[status] ?? "Error",
      status,
      detail,
      instance: request.url.split("?")[0],
      requestId: request.id,
      ...extra,
    });
}

export function setUpErrorHandling(app: FastifyInstance, options: { showStack: boolean }): void {
  app.setNotFoundHandler((request, reply) => {
    if (isApi(request))
      return sendProblem(reply, request, 404, `No API resource at ${request.url.split("?")[0]}`);
    return reply.code(404).render("errors/404.njk");
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    let status = error.statusCode ?? 500;
    let message = error.message;
    let extra: Record<string, unknown> =
      error instanceof HttpError && error.detail ? error.detail : {};
    if ("validation" in error && error.validation) {
      status = 400;
      extra = {
        errors: error.validation.map((v) => ({
          field: v.instancePath || v.params?.missingProperty || "",
          message: v.message,
        })),
      };
      message = `The request is not valid: ${error.message}`;
    }
    if (status >= 500) {
      request.log.error({ err: error, requestId: request.id }, "request failed");
      message = "Sorry, there is a problem with the service.";
    }
    if (status === 429 && !(error instanceof HttpError))
      message = "Too many requests. Wait a minute, then try again.";
    if (isApi(request)) return sendProblem(reply, request, status, message, extra);
    const template =
      status === 403
        ? "errors/403.njk"
        : status === 404
          ? "errors/404.njk"
          : status >= 500
            ? "errors/500.njk"
            : "errors/4xx.njk";
    return reply.code(status).render(template, {
      status,
      title: TITLES[status] ?? "Error",
      message,
      stack: options.showStack && status >= 500 ? error.stack : undefined,
    });
  });
}

/** The signed-in user on a route whose policy already required one. */
export function requireUser(request: FastifyRequest): Principal {
  if (!request.user) throw new HttpError(401, "Sign in to continue.");
  return request.user;
}
