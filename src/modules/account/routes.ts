import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { verifyPassword } from "../../platform/auth/passwords.ts";
import { signedIn } from "../../platform/auth/policy.ts";
import { roleLabel } from "../../platform/auth/roles.ts";
import { UserInputError } from "../../platform/auth/users-service.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError, requireUser } from "../../platform/web/errors.ts";
import { fieldError, parseForm } from "../../platform/web/forms.ts";

const tokenForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name for the token, such as the script that will use it")
    .max(100, "Name must be 100 characters or fewer"),
  expiresInDays: z.enum(["30", "90", "365", "never"], { message: "Choose when the token expires" }),
});

const passwordForm = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword: z.string().min(12, "New password must be 12 characters or more"),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    message: "The passwords do not match",
    path: ["confirmPassword"],
  });

export async function accountRoutes(app: FastifyInstance, services: Services) {
  const config = { policy: signedIn };

  async function page(userId: string, extra: Record<string, unknown> = {}) {
    const [sessions, tokens] = await Promise.all([
      services.sessions.listActive(userId),
      services.apiTokens.list(userId),
    ]);
    return { pageTitle: "Your account", sessions, tokens, ...extra };
  }

  app.get("/account", { config }, async (request, reply) => {
    const user = requireUser(request);
    const flash = (request.query as { done?: string }).done;
    return reply.render("account/views/account.njk", {
      ...(await page(user.id)),
      roleLabels: user.roles.map(roleLabel),
      currentSessionId: request.sessionId,
      flash:
        flash === "signed-out-others"
          ? "Your other sessions have been signed out"
          : flash === "token-revoked"
            ? "The API token was revoked"
            : undefined,
    });
  });

  app.post("/account/sessions/revoke-others", { config }, async (request, reply) => {
    const user = requireUser(request);
    for (const s of await services.sessions.listActive(user.id)) {
      if (s.id !== request.sessionId)
        await services.sessions.revoke(
          request.audit,
          s.id,
          "signed out by the user from another session",
        );
    }
    return reply.redirect("/account?done=signed-out-others", 303);
  });

  app.post("/account/sessions/revoke-all", { config }, async (request, reply) => {
    await services.sessions.revokeAll(
      request.audit,
      requireUser(request).id,
      "signed out of every session by the user",
    );
    return reply.redirect("/signed-out", 303);
  });

  app.get("/account/tokens/new", { config }, (_request, reply) =>
    reply.render("account/views/new-token.njk", {
      pageTitle: "Create an API token",
      values: { expiresInDays: "90" },
    }),
  );

  app.post("/account/tokens", { config }, async (request, reply) => {
    const form = parseForm(tokenForm, request.body);
    if (!form.ok)
      return reply.code(400).render("account/views/new-token.njk", {
        pageTitle: "Create an API token",
        errors: form.errors,
        values: form.values,
      });
    const days = form.value.expiresInDays === "never" ? null : Number(form.value.expiresInDays);
    const { token } = await services.apiTokens.create(
      request.audit,
      requireUser(request).id,
      form.value.name,
      days,
    );
    return reply.render("account/views/token-created.njk", {
      pageTitle: "Your new API token",
      token,
      name: form.value.name,
    });
  });

  app.post("/account/tokens/:id/revoke", { config }, async (request, reply) => {
    const ok = await services.apiTokens.revoke(
      request.audit,
      requireUser(request).id,
      (request.params as { id: string }).id,
    );
    if (!ok) throw new HttpError(404, "No such token.");
    return reply.redirect("/account?done=token-revoked", 303);
  });

  app.get("/account/password", { config }, (_request, reply) =>
    reply.render("account/views/password.njk", { pageTitle: "Change your password", values: {} }),
  );

  app.post("/account/password", { config }, async (request, reply) => {
    const form = parseForm(passwordForm, request.body);
    const render = (errors: unknown) =>
      reply.code(400).render("account/views/password.njk", {
        pageTitle: "Change your password",
        errors,
        values: {},
      });
    if (!form.ok) return render(form.errors);
    const creds = await services.users.credentials(requireUser(request).email);
    if (!creds || !(await verifyPassword(creds.password_hash, form.value.currentPassword))) {
      return render(fieldError("currentPassword", "Your current password is not correct"));
    }
    try {
      await services.users.setPassword(
        request.audit,
        requireUser(request).id,
        form.value.newPassword,
      );
    } catch (err) {
      if (err instanceof UserInputError) return render(fieldError("newPassword", err.message));
      throw err;
    }
    return reply.redirect("/sign-in", 303);
  });
}
