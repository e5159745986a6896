import { z } from "zod";

/**
 * Settings of the information-requests module, each read from the environment. Documented in
 * `steward serve --help` through docs/architecture.md; defaults suit a council in England.
 */
const schema = z.object({
  /** Inbound SMTP port for requests sent by email (e.g. 2525). Unset: no inbound SMTP server. */
  REQUESTS_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Address the inbound SMTP server binds to. */
  REQUESTS_SMTP_HOST: z.string().min(1).default("0.0.0.0"),
  /** Largest inbound message accepted, in bytes. */
  REQUESTS_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** IMAP mailbox polled for requests, e.g. imaps://user:pass@mail.example.gov.uk:993/INBOX. */
  REQUESTS_IMAP_URL: z.string().url().optional(),
  /**
   * IMAP folder that messages are moved to once they are cases (created if missing). Unset: they
   * stay where they are, marked as read, so a message someone reads before the poll is missed.
   */
  REQUESTS_IMAP_DONE_MAILBOX: z.string().min(1).optional(),
  /** Seconds between IMAP polls. */
  REQUESTS_IMAP_EVERY_SECONDS: z.coerce.number().int().min(30).default(300),
  /** The council's own target for police (DPA 2018 Sch. 2) requests, in working days. */
  REQUESTS_POLICE_TARGET_DAYS: z.coerce.number().int().min(1).max(365).default(10),
  /** Working days a service has to answer a caseworker's request for a contribution. */
  REQUESTS_CONTRIBUTION_DAYS: z.coerce.number().int().min(1).max(60).default(5),
});

export type RequestsConfig = z.output<typeof schema>;

export function loadRequestsConfig(env: NodeJS.ProcessEnv = process.env): RequestsConfig {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Steward cannot start; fix these settings:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
