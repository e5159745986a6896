import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";

/** The same security headers helmet would send, as one precomputed object (cheaper on every request). */
function staticHeaders(production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-frame-options": "DENY",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  };
  if (production) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

const CSP_BEFORE_NONCE = "default-src 'self'; script-src 'self' 'nonce-";
const CSP_AFTER_NONCE =
  "'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/** Security headers, and a strict Content-Security-Policy whose script nonce changes on every request. */
export function setUpWebSecurity(app: FastifyInstance, options: { production: boolean }): void {
  const headers = staticHeaders(options.production);
  app.decorateRequest("cspNonce", "");
  app.addHook("onRequest", (request, reply, done) => {
    request.cspNonce = randomBytes(16).toString("base64");
    reply.headers(headers);
    reply.header("content-security-policy", CSP_BEFORE_NONCE + request.cspNonce + CSP_AFTER_NONCE);
    done();
  });
}
