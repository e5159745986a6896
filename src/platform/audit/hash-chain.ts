import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainedFields {
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  summary: string | null;
  changes: unknown;
  requestId: string | null;
  clientIp: string | null;
}

/** Key order fixed so a row read back from the database hashes to the same value. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

export function chainHash(prevHash: string, fields: ChainedFields): string {
  const body = canonical({ ...fields, occurredAt: fields.occurredAt.toISOString() });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}
