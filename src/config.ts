import { resolve } from "node:path";
import { z } from "zod";

/**
 * Every setting Steward reads, in one schema. Each entry documents its environment variable and default.
 * `loadConfig` throws one message listing every problem, so start-up fails fast and clearly.
 */
const boolean = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const settings = {
  NODE_ENV: {
    doc: "development, production or test. Production refuses to start without secrets.",
    schema: z.enum(["development", "production", "test"]).default("development"),
  },
  PORT: {
    doc: "Port the web server listens on.",
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
  },
  HOST: { doc: "Address the web server binds to.", schema: z.string().min(1).default("localhost") },
  DATABASE_URL: {
    doc: "PostgreSQL connection string. Unset: an embedded PGlite database in STEWARD_DATA_DIR.",
    schema: z.string().url().optional(),
  },
  STEWARD_DATA_DIR: {
    doc: "Folder for the embedded database and stored files.",
    schema: z.string().min(1).default("./data"),
  },
  SESSION_SECRET: {
    doc: "Secret (32+ characters) used to sign cookies. Required in production; generated per data folder otherwise.",
    schema: z.string().min(32, "must be at least 32 characters").optional(),
  },
  SESSION_IDLE_MINUTES: {
    doc: "Sign a session out after this many idle minutes.",
    schema: z.coerce.number().int().min(1).default(30),
  },
  SESSION_MAX_HOURS: {
    doc: "Absolute lifetime of a session, in hours.",
    schema: z.coerce.number().int().min(1).default(12),
  },
  SESSION_CACHE_SECONDS: {
    doc: "Seconds a signed-in session is reused without a database read. Changes made in this process apply at once; in other processes within this time.",
    schema: z.coerce.number().int().min(0).max(60).default(2),
  },
  COUNCIL_NAME: {
    doc: "The council's name, shown in the header and letters.",
    schema: z.string().default("Northmoor District Council"),
  },
  COUNCIL_DIVISION: {
    doc: "Which part of the UK the council is in (for data-rights deadlines): england-and-wales, scotland or northern-ireland.",
    schema: z
      .enum(["england-and-wales", "scotland", "northern-ireland"])
      .default("england-and-wales"),
  },
  PUBLIC_URL: {
    doc: "The address residents use, for links in emails.",
    schema: z.string().url().default("http://localhost:3000"),
  },
  DEMO_DATA: {
    doc: "Load demo data for a fictional council on first start.",
    schema: boolean.default(true),
  },
  SMTP_URL: {
    doc: "Outbound mail server, e.g. smtp://user:pass@mail.example.gov.uk:587. Unset: mail is kept in the outbox page.",
    schema: z.string().optional(),
  },
  MAIL_FROM: {
    doc: "From address for outbound mail.",
    schema: z.string().default("information.governance@example.gov.uk"),
  },
  IG_TEAM_EMAIL: {
    doc: "Address alerted for new breaches and overdue work.",
    schema: z.string().default("ig-team@example.gov.uk"),
  },
  REQUESTS_SMTP_PORT: {
    doc: "Port of the inbound SMTP server for requests sent by email (e.g. 2525). Unset: no inbound SMTP server.",
    schema: z.coerce.number().int().min(0).max(65535).optional(),
  },
  REQUESTS_SMTP_HOST: {
    doc: "Address the inbound SMTP server for requests binds to.",
    schema: z.string().min(1).default("0.0.0.0"),
  },
  REQUESTS_SMTP_MAX_BYTES: {
    doc: "Largest inbound request email accepted, in bytes.",
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024),
  },
  REQUESTS_IMAP_URL: {
    doc: "IMAP mailbox polled for requests, e.g. imaps://user:pass@mail.example.gov.uk:993/INBOX. Unset: no polling.",
    schema: z.string().url().optional(),
  },
  REQUESTS_IMAP_DONE_MAILBOX: {
    doc: "IMAP folder that polled messages are moved to once they are cases (created if missing). Unset: they stay, marked as read, so a message someone reads before the poll is missed.",
    schema: z.string().min(1).optional(),
  },
  REQUESTS_IMAP_EVERY_SECONDS: {
    doc: "Seconds between IMAP polls.",
    schema: z.coerce.number().int().min(30).default(300),
  },
  REQUESTS_POLICE_TARGET_DAYS: {
    doc: "The council's own target for police (DPA 2018 Sch. 2) requests, in working days.",
    schema: z.coerce.number().int().min(1).max(365).default(10),
  },
  REQUESTS_CONTRIBUTION_DAYS: {
    doc: "Working days a service has to answer a caseworker's request for a contribution.",
    schema: z.coerce.number().int().min(1).max(60).default(5),
  },
  LOG_LEVEL: {
    doc: "fatal, error, warn, info, debug or trace.",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  WORKER: {
    doc: "Run background jobs in this process (web and worker together).",
    schema: boolean.default(true),
  },
  TRUST_PROXY: {
    doc: "Trust X-Forwarded-For from a reverse proxy.",
    schema: boolean.default(false),
  },
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K]["schema"]> } & {
  dataDir: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const shape = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.schema]));
  const input = Object.fromEntries(
    Object.keys(settings).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Steward cannot start; fix these settings:\n${problems.join("\n")}`);
  }
  const config = parsed.data as Omit<Config, "dataDir">;
  if (config.NODE_ENV === "production" && !config.SESSION_SECRET) {
    throw new ConfigError(
      "Steward cannot start in production without SESSION_SECRET (a random string of 32+ characters).",
    );
  }
  return { ...config, dataDir: resolve(config.STEWARD_DATA_DIR) } as Config;
}

/** The settings table for `steward serve --help` and docs. */
export function describeSettings(): string {
  return Object.entries(settings)
    .map(([k, v]) => {
      const def = v.schema.safeParse(undefined);
      const shown = def.success && def.data !== undefined ? String(def.data) : "(unset)";
      return `  ${k.padEnd(22)} ${v.doc} Default: ${shown}.`;
    })
    .join("\n");
}
