import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { newSecret } from "../auth/tokens.ts";
import type { Services } from "../services.ts";
import { HttpError } from "./errors.ts";

export const SESSION_COOKIE = "steward_session";
const ANON_CSRF_COOKIE = "steward_csrf";

export function sessionCookieOptions(secure: boolean) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure };
}

/**
 * Who is asking: a session cookie (pages) or a personal API token (Authorization: Bearer).
 * Sets request.user, request.audit and the CSRF token for forms.
 */
export function setUpIdentity(app: FastifyInstance, services: Services): void {
  app.decorateRequest("user", undefined);
  app.decorateRequest("sessionId", undefined);
  app.decorateRequest("csrfToken", "");
  app.decorateRequest("viaApiToken", false);
  app.decorateRequest("audit", undefined as unknown as FastifyRequest["audit"]);

  app.addHook("onRequest", async (request, reply) => {
    const auth = request.headers.authorization;
    if (auth?.startsWith("Bearer ")) {
      const user = await services.apiTokens.authenticate(auth.slice(7).trim());
      if (!user)
        throw new HttpError(401, "The API token is not valid, has expired or was revoked.");
      request.user = user;
      request.viaApiToken = true;
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie ? await services.sessions.resolve(cookie) : undefined;
      if (session) {
        request.user = session.user;
        request.sessionId = session.sessionId;
        request.csrfToken = session.csrfToken;
      } else {
        if (cookie) reply.clearCookie(SESSION_COOKIE, { path: "/" });
        const signedToken = request.cookies[ANON_CSRF_COOKIE];
        const unsigned = signedToken ? request.unsignCookie(signedToken) : undefined;
        if (unsigned?.valid && unsigned.value) request.csrfToken = unsigned.value;
      }
    }
    request.audit = {
      actorId: request.user?.id ?? null,
      actorLabel: request.user?.displayName ?? "anonymous",
      requestId: request.id,
      clientIp: request.ip,
    };
  });
}

/**
 * The CSRF token for a form on this response. Signed-in users have their session's; anonymous visitors
 * get one in a signed cookie, made only when a page actually contains a form.
 */
export function csrfTokenFor(
  request: FastifyRequest,
  reply: FastifyReply,
  secureCookies: boolean,
): string {
  if (!request.csrfToken) {
    request.csrfToken = newSecret(24);
    reply.setCookie(ANON_CSRF_COOKIE, request.csrfToken, {
      ...sessionCookieOptions(secureCookies),
      signed: true,
    });
  }
  return request.csrfToken;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Every unsafe request from a browser must carry the form's token (field `_csrf` or header `x-csrf-token`). */
export function setUpCsrf(app: FastifyInstance): void {
  app.addHook("preHandler", async (request) => {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS")
      return;
    if (request.viaApiToken || request.routeOptions.config?.csrf === false) return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent =
      (typeof body?._csrf === "string" ? body._csrf : undefined) ??
      (request.headers["x-csrf-token"] as string | undefined) ??
      (request.query as Record<string, string>)?._csrf;
    if (!sent || !request.csrfToken || !same(sent, request.csrfToken)) {
      throw new HttpError(
        403,
        "This form has expired or did not come from Steward. Go back, reload the page and try again.",
      );
    }
  });
}
