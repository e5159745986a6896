import { createHash, randomBytes } from "node:crypto";

/** Random secret for cookies and API tokens; only its SHA-256 is stored. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
