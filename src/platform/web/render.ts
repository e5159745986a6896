import type { FastifyInstance, FastifyReply } from "fastify";
import type nunjucks from "nunjucks";
import { type NavItem, navigationFor } from "./navigation.ts";
import { csrfTokenFor } from "./session-hook.ts";

// Per-request values are rendered as slots and filled in afterwards, so a page can be rendered once and
// served to every anonymous visitor, and a CSRF cookie is only made for pages that hold a form.
const NONCE_SLOT = "__steward_nonce_slot__";
const CSRF_SLOT = "__steward_csrf_slot__";

export interface RenderOptions {
  /** The page is the same for every anonymous visitor: render it once and reuse it. */
  cacheForAnonymous?: boolean;
}

export function setUpRendering(
  app: FastifyInstance,
  views: nunjucks.Environment,
  navigation: readonly NavItem[],
  secureCookies: boolean,
): void {
  const anonymousPages = new Map<string, string>();

  app.decorateReply(
    "render",
    function (
      this: FastifyReply,
      template: string,
      context: Record<string, unknown> = {},
      options: RenderOptions = {},
    ) {
      const request = this.request;
      const path = request.url.split("?")[0];
      const cacheKey =
        options.cacheForAnonymous && !request.user ? `${template} ${path}` : undefined;
      let html = cacheKey ? anonymousPages.get(cacheKey) : undefined;
      if (!html) {
        html = views.render(template, {
          ...context,
          user: request.user,
          csrfToken: CSRF_SLOT,
          cspNonce: NONCE_SLOT,
          currentPath: path,
          navigation: navigationFor(navigation, request.user, path),
          requestId: request.id,
        });
        if (cacheKey) anonymousPages.set(cacheKey, html);
      }
      html = html.replaceAll(NONCE_SLOT, request.cspNonce);
      if (html.includes(CSRF_SLOT))
        html = html.replaceAll(CSRF_SLOT, csrfTokenFor(request, this, secureCookies));
      return this.type("text/html; charset=utf-8").send(html);
    },
  );
}
