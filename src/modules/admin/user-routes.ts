import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { adminOnly } from "../../platform/auth/policy.ts";
import { ROLES } from "../../platform/auth/roles.ts";
import { UserInputError } from "../../platform/auth/users-service.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { asArray, fieldError, parseForm } from "../../platform/web/forms.ts";

const roleOptions = Object.entries(ROLES)
  .filter(([value]) => value !== "staff")
  .map(([value, text]) => ({ value, text }));

const newUserForm = z.object({
  displayName: z.string().trim().min(1, "Enter the person's full name").max(200),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      "Enter an email address in the correct format, like name@example.gov.uk",
    ),
  jobTitle: z.string().trim().max(200).optional(),
  password: z.string().min(12, "Password must be 12 characters or more"),
  roles: z.preprocess(asArray, z.array(z.string())),
});

const editUserForm = z.object({
  displayName: z.string().trim().min(1, "Enter the person's full name").max(200),
  jobTitle: z.string().trim().max(200).optional(),
  roles: z.preprocess(asArray, z.array(z.string())),
});

const passwordForm = z.object({
  password: z.string().min(12, "Password must be 12 characters or more"),
});

export async function userRoutes(app: FastifyInstance, services: Services) {
  const config = { policy: adminOnly };

  async function loadUser(id: string) {
    const user = await services.users.get(id);
    if (!user) throw new HttpError(404, "No such account.");
    return user;
  }

  app.get("/admin/users", { config }, async (request, reply) => {
    const query = request.query as { q?: string; page?: string };
    const q = (query.q ?? "").trim().slice(0, 200);
    const page = Math.max(1, Math.min(Number.parseInt(query.page ?? "1", 10) || 1, 100_000));
    const { users, hasMore } = await services.users.page({ search: q, page, pageSize: 20 });
    const link = (n: number) =>
      `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(n) })}`;
    return reply.render("admin/views/users.njk", {
      pageTitle: "Users",
      users,
      q,
      roleLabels: ROLES,
      page,
      previous: page > 1 ? link(page - 1) : undefined,
      next: hasMore ? link(page + 1) : undefined,
    });
  });

  app.get("/admin/users/new", { config }, (_request, reply) =>
    reply.render("admin/views/user-new.njk", {
      pageTitle: "Add a user",
      roleOptions,
      values: { roles: [] },
    }),
  );

  app.post("/admin/users", { config }, async (request, reply) => {
    const form = parseForm(newUserForm, request.body);
    const again = (errors: unknown, values: Record<string, unknown>) =>
      reply.code(400).render("admin/views/user-new.njk", {
        pageTitle: "Add a user",
        roleOptions,
        errors,
        values: { ...values, password: "", roles: asArray(values.roles) },
      });
    if (!form.ok) return again(form.errors, form.values);
    try {
      const user = await services.users.create(request.audit, form.value);
      return reply.redirect(`/admin/users/${user.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof UserInputError)
        return again(fieldError(err.field, err.message), form.value);
      throw err;
    }
  });

  app.get("/admin/users/:id", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    const [sessions, history] = await Promise.all([
      services.sessions.listActive(user.id),
      services.audit.search({ entityType: "user", entityId: user.id, limit: 20 }),
    ]);
    const done = (request.query as { done?: string }).done;
    const flashes: Record<string, string> = {
      created:
        "Account created. Give the person their password in person or by phone, never by email",
      saved: "Changes saved",
      disabled: "Account disabled and signed out everywhere",
      enabled: "Account enabled",
      password: "Password set and every session signed out",
      revoked: "Signed out of every session",
    };
    return reply.render("admin/views/user.njk", {
      pageTitle: user.displayName,
      account: user,
      sessions,
      history: history.events,
      roleOptions,
      roleLabels: ROLES,
      values: { displayName: user.displayName, jobTitle: user.jobTitle, roles: user.roles },
      flash: done ? flashes[done] : undefined,
    });
  });

  app.post("/admin/users/:id", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    const form = parseForm(editUserForm, request.body);
    const again = async (errors: unknown, values: Record<string, unknown>) =>
      reply.code(400).render("admin/views/user.njk", {
        pageTitle: user.displayName,
        account: user,
        sessions: await services.sessions.listActive(user.id),
        history: [],
        roleOptions,
        roleLabels: ROLES,
        errors,
        values: { ...values, roles: asArray(values.roles) },
      });
    if (!form.ok) return again(form.errors, form.values);
    try {
      await services.users.update(request.audit, user.id, {
        displayName: form.value.displayName,
        jobTitle: form.value.jobTitle ?? null,
        roles: form.value.roles,
      });
    } catch (err) {
      if (err instanceof UserInputError)
        return again(fieldError(err.field, err.message), form.value);
      throw err;
    }
    return reply.redirect(`/admin/users/${user.id}?done=saved`, 303);
  });

  app.post("/admin/users/:id/disable", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    try {
      await services.users.setDisabled(request.audit, user.id, !user.disabled);
    } catch (err) {
      if (err instanceof UserInputError) throw new HttpError(409, err.message);
      throw err;
    }
    return reply.redirect(
      `/admin/users/${user.id}?done=${user.disabled ? "enabled" : "disabled"}`,
      303,
    );
  });

  app.post("/admin/users/:id/sessions/revoke", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    await services.sessions.revokeAll(request.audit, user.id, "signed out by an administrator");
    return reply.redirect(`/admin/users/${user.id}?done=revoked`, 303);
  });

  app.get("/admin/users/:id/password", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    return reply.render("admin/views/user-password.njk", {
      pageTitle: `Set a password for ${user.displayName}`,
      account: user,
    });
  });

  app.post("/admin/users/:id/password", { config }, async (request, reply) => {
    const user = await loadUser((request.params as { id: string }).id);
    const form = parseForm(passwordForm, request.body);
    if (!form.ok)
      return reply.code(400).render("admin/views/user-password.njk", {
        pageTitle: `Set a password for ${user.displayName}`,
        account: user,
        errors: form.errors,
      });
    await services.users.setPassword(request.audit, user.id, form.value.password);
    return reply.redirect(`/admin/users/${user.id}?done=password`, 303);
  });
}
