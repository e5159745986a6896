import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allows, type Policy } from "../auth/policy.ts";
import { HttpError } from "./errors.ts";

export interface RegisteredRoute {
  method: string;
  url: string;
  policy: Policy | undefined;
}

/**
 * Deny by default: a route without a declared policy refuses everyone. Every registered route is
 * listed on `app.registeredRoutes` so a test can fail on any that has none.
 */
export function setUpPolicies(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === "HEAD") continue;
      routes.push({ method, url: route.url, policy: route.config?.policy });
    }
  });
  return routes;
}

export async function enforcePolicy(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const policy = request.routeOptions.config?.policy;
  if (!policy) {
    // Not-found handling has no route config; anything else without a policy is a programming error.
    if (request.routeOptions.url === undefined) return;
    throw new HttpError(403, "This page has no access policy, so it is closed to everyone.");
  }
  const decision = allows(policy, request.user);
  if (decision === "allow") return;
  const isApi = request.url.startsWith("/api/");
  if (decision === "sign-in") {
    if (isApi)
      throw new HttpError(401, "Sign in or send a personal API token: Authorization: Bearer stw_…");
    const next = encodeURIComponent(request.url);
    reply.redirect(`/sign-in?next=${next}`, 303);
    return reply;
  }
  throw new HttpError(
    403,
    "You do not have permission to see this. Ask an administrator if you need access.",
  );
}
