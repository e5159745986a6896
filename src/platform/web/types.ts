import type { AuditContext } from "../audit/audit-service.ts";
import type { Policy, Principal } from "../auth/policy.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may use this route. Required on every route: see policy-hook.ts. */
    policy?: Policy;
    /** Set false only for token-authenticated API writes, which carry no cookie to forge. */
    csrf?: boolean;
  }
  interface FastifyRequest {
    user?: Principal;
    sessionId?: string;
    csrfToken: string;
    cspNonce: string;
    /** Who is acting, for the audit trail. */
    audit: AuditContext;
    viaApiToken: boolean;
  }
  interface FastifyReply {
    render(
      template: string,
      context?: Record<string, unknown>,
      options?: import("./render.ts").RenderOptions,
    ): FastifyReply;
  }
}
