import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Public read-only answers carry a strong ETag; a matching If-None-Match gets 304 with no body. */
export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  contentType: string,
  maxAgeSeconds = 60,
) {
  const etag = `"${createHash("sha1").update(body).digest("base64url")}"`;
  reply.header("etag", etag);
  if (!request.user) reply.header("cache-control", `public, max-age=${maxAgeSeconds}`);
  reply.header("access-control-allow-origin", "*");
  if (notModified(request, etag)) return reply.code(304).send();
  return reply.type(contentType).send(body);
}

/**
 * Whether the client's copy is current: If-None-Match names the ETag (or `*`), or, without it,
 * If-Modified-Since is no earlier than `modified`.
 */
export function notModified(request: FastifyRequest, etag: string, modified?: Date): boolean {
  const match = request.headers["if-none-match"];
  if (match) return match.split(",").some((m) => m.trim() === etag || m.trim() === "*");
  const since = Date.parse(String(request.headers["if-modified-since"] ?? ""));
  return modified !== undefined && !Number.isNaN(since) && modified.getTime() <= since;
}

export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** Rate limit for public endpoints: generous for people, firm for scrapers. */
export const publicRateLimit = { max: 600, timeWindow: "1 minute" } as const;
