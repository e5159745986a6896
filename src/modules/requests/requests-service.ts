import { join } from "node:path";
import type { Config } from "../../config.ts";
import type { AuditService } from "../../platform/audit/audit-service.ts";
import type { Db } from "../../platform/db/database.ts";
import type { JobsService } from "../../platform/jobs/jobs-service.ts";
import type { MailService } from "../../platform/mail/mail-service.ts";
import { RequestCalendarService } from "./calendar/calendar-service.ts";
import { CasesService } from "./cases/cases-service.ts";
import {
  CaseworkService,
  LETTER_DOCUMENTS,
  type PersonalDataAssetSource,
} from "./cases/casework-service.ts";
import { DisclosureService } from "./disclosure/disclosure-service.ts";
import { IntakeService } from "./intake/intake-service.ts";
import { type InboundSmtp, pollImap, startInboundSmtp } from "./intake/mail-intake.ts";
import { RequestReportsService } from "./reports/reports-service.ts";

/** The module's settings, part of the one config schema (src/config.ts). */
export type RequestsConfig = Pick<
  Config,
  | "REQUESTS_SMTP_PORT"
  | "REQUESTS_SMTP_HOST"
  | "REQUESTS_SMTP_MAX_BYTES"
  | "REQUESTS_IMAP_URL"
  | "REQUESTS_IMAP_DONE_MAILBOX"
  | "REQUESTS_IMAP_EVERY_SECONDS"
  | "REQUESTS_POLICE_TARGET_DAYS"
  | "REQUESTS_CONTRIBUTION_DAYS"
>;

export interface RequestsDependencies {
  db: Db;
  audit: AuditService;
  mail: MailService;
  jobs: JobsService;
  config: Config;
  /** The asset register's personal-data lookup, once that module is there. */
  assets?: () => PersonalDataAssetSource | undefined;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  settings?: Partial<RequestsConfig>;
}

/** Adapts whatever the asset register exposes to the SAR checklist's small interface. */
export function personalDataSource(candidate: unknown): PersonalDataAssetSource | undefined {
  if (!candidate || typeof candidate !== "object") return undefined;
  const fn = (candidate as { assetsHoldingPersonalDataOf?: unknown }).assetsHoldingPersonalDataOf;
  if (typeof fn !== "function") return undefined;
  return {
    async assetsHoldingPersonalDataOf(category: string) {
      const found: unknown = await fn.call(candidate, category);
      if (!Array.isArray(found)) return [];
      return found.map((a: Record<string, unknown>) => ({
        id: String(a.id ?? a.assetId ?? a.reference ?? a.name),
        name: String(a.name ?? a.title ?? a.id),
        owner:
          [a.ownerLabel, a.ownerPending, a.owner, a.informationAssetOwner].find(
            (o): o is string => typeof o === "string" && o !== "",
          ) ?? null,
      }));
    },
  };
}

/** Builds the information-requests module's services and defines its jobs. */
export function createRequestsServices(deps: RequestsDependencies) {
  const settings: RequestsConfig = { ...deps.config, ...deps.settings };
  const { db, audit, mail, jobs, config } = deps;
  const calendar = new RequestCalendarService(
    db,
    audit,
    join(config.dataDir, "calendar-adjustments.json"),
  );
  const cases = new CasesService(db, audit, calendar, {
    division: config.COUNCIL_DIVISION,
    policeTargetDays: settings.REQUESTS_POLICE_TARGET_DAYS,
  });
  const casework = new CaseworkService(
    db,
    audit,
    mail,
    cases,
    calendar,
    {
      councilName: config.COUNCIL_NAME,
      publicUrl: config.PUBLIC_URL,
      contributionDays: settings.REQUESTS_CONTRIBUTION_DAYS,
      igTeamEmail: config.IG_TEAM_EMAIL,
    },
    deps.assets ?? (() => undefined),
  );
  const intake = new IntakeService(db, mail, cases, {
    councilName: config.COUNCIL_NAME,
    publicUrl: config.PUBLIC_URL,
  });
  const disclosure = new DisclosureService(db, audit, cases);
  const reports = new RequestReportsService(db);

  // Letters attach the case's own documents; the mail job reads them when it sends.
  mail.attachmentSource(LETTER_DOCUMENTS, (id) => casework.documentForMail(id));
  jobs.define("requests.contributions.remind", async () => casework.remindLateContributions());
  jobs.every("requests.contributions.remind", 3600);
  const imapUrl = settings.REQUESTS_IMAP_URL;
  if (imapUrl) {
    jobs.define("requests.imap.poll", async () =>
      pollImap(intake, imapUrl, {
        doneMailbox: settings.REQUESTS_IMAP_DONE_MAILBOX,
        log: deps.log,
      }),
    );
    jobs.every("requests.imap.poll", settings.REQUESTS_IMAP_EVERY_SECONDS);
  }

  let smtp: InboundSmtp | undefined;
  return {
    settings,
    calendar,
    cases,
    casework,
    intake,
    disclosure,
    reports,
    /** Starts the inbound SMTP server (when a port is configured, or given). */
    async startMailIntake(port = settings.REQUESTS_SMTP_PORT, host = settings.REQUESTS_SMTP_HOST) {
      if (port === undefined || smtp) return smtp;
      smtp = await startInboundSmtp(intake, {
        port,
        host,
        maxBytes: settings.REQUESTS_SMTP_MAX_BYTES,
        log: deps.log,
      });
      return smtp;
    },
    async stopMailIntake() {
      await smtp?.close();
      smtp = undefined;
    },
  };
}

export type RequestsServices = ReturnType<typeof createRequestsServices>;
