import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { publicAccess, signedIn } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { fieldError, parseForm } from "../../platform/web/forms.ts";
import { SESSION_COOKIE, sessionCookieOptions } from "../../platform/web/session-hook.ts";

const signInForm = z.object({
  email: z.string().trim().min(1, "Enter your email address"),
  password: z.string().min(1, "Enter your password"),
  next: z.string().optional(),
});

/** Only local paths, so a crafted link cannot bounce a signed-in user to another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/staff";
}

export async function authRoutes(app: FastifyInstance, services: Services) {
  const secure = services.config.NODE_ENV === "production";

  app.get("/sign-in", { config: { policy: publicAccess } }, (request, reply) => {
    if (request.user) return reply.redirect("/staff", 303);
    const next = (request.query as { next?: string }).next;
    return reply.render("auth/views/sign-in.njk", { pageTitle: "Sign in", values: { next } });
  });

  app.post(
    "/sign-in",
    { config: { policy: publicAccess, rateLimit: { max: 30, timeWindow: "1 minute" } } },
    async (request, reply) => {
      const form = parseForm(signInForm, request.body);
      if (!form.ok)
        return reply.code(400).render("auth/views/sign-in.njk", {
          pageTitle: "Sign in",
          errors: form.errors,
          values: { ...form.values, password: "" },
        });
      const result = await services.signIn.signIn(
        form.value.email,
        form.value.password,
        request.ip,
        request.headers["user-agent"] ?? null,
        request.id,
      );
      if (!result.ok) {
        const message =
          result.reason === "throttled"
            ? "Too many failed attempts. Wait 15 minutes, then try again, or ask an administrator to reset your password"
            : "Enter a correct email address and password";
        return reply
          .code(result.reason === "throttled" ? 429 : 401)
          .render("auth/views/sign-in.njk", {
            pageTitle: "Sign in",
            errors: fieldError("email", message),
            values: { email: form.value.email, next: form.value.next },
          });
      }
      reply.setCookie(SESSION_COOKIE, result.cookieValue, {
        ...sessionCookieOptions(secure),
        maxAge: services.config.SESSION_MAX_HOURS * 3600,
      });
      return reply.redirect(safeNext(form.value.next), 303);
    },
  );

  app.post("/sign-out", { config: { policy: signedIn } }, async (request, reply) => {
    if (request.sessionId)
      await services.sessions.revoke(request.audit, request.sessionId, "signed out");
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.redirect("/signed-out", 303);
  });

  app.get("/signed-out", { config: { policy: publicAccess } }, (_req, reply) =>
    reply.render("auth/views/signed-out.njk", { pageTitle: "You have signed out" }),
  );
}
