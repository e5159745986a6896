import type { Config } from "../config.ts";
import { AssetsService } from "../modules/assets/assets-service.ts";
import { flowAgreementsFrom } from "../modules/assets/flows/agreement-source.ts";
import { FlowsService } from "../modules/assets/flows/flows-service.ts";
import { ProcessingService } from "../modules/assets/processing/processing-service.ts";
import { breachAssetsFrom } from "../modules/breaches/asset-source.ts";
import { BreachesService } from "../modules/breaches/breaches-service.ts";
import { breachFilesRetentionSource } from "../modules/breaches/retention-source.ts";
import { dpiaLinksFrom } from "../modules/dpia/asset-source.ts";
import { DpiaService } from "../modules/dpia/dpia-service.ts";
import { MatchingService } from "../modules/matching/matching-service.ts";
import { createObligationsServices } from "../modules/obligations/obligations-services.ts";
import { OpenDataService } from "../modules/opendata/opendata-service.ts";
import { OrganisationService } from "../modules/organisation/organisation-service.ts";
import {
  createRequestsServices,
  personalDataSource,
} from "../modules/requests/requests-service.ts";
import { requestCasesRetentionSource } from "../modules/requests/retention-source.ts";
import { AuditService, systemActor } from "./audit/audit-service.ts";
import { ApiTokensService } from "./auth/api-tokens-service.ts";
import { SessionsService } from "./auth/sessions-service.ts";
import { SignInService } from "./auth/sign-in-service.ts";
import { UsersService } from "./auth/users-service.ts";
import type { DatabaseHandle } from "./db/database.ts";
import { JobsService } from "./jobs/jobs-service.ts";
import { MailService } from "./mail/mail-service.ts";
import { SettingsService } from "./settings-service.ts";

/**
 * The composition root: data access, then services, in one place. Tests build the same object
 * over a test database, so every route runs against the real thing.
 */
export function createServices(
  config: Config,
  database: DatabaseHandle,
  log: (msg: string, extra?: Record<string, unknown>) => void = () => {},
) {
  const { db } = database;
  const audit = new AuditService(db);
  const sessions = new SessionsService(db, audit, {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    maxHours: config.SESSION_MAX_HOURS,
    cacheSeconds: config.SESSION_CACHE_SECONDS,
  });
  const users = new UsersService(db, audit, {
    endAll: (userId, reason) => sessions.revokeAll(systemActor, userId, reason),
    forget: (userId) => sessions.forget(userId),
  });
  const signIn = new SignInService(db, audit, users, sessions);
  const apiTokens = new ApiTokensService(db, audit);
  const jobs = new JobsService(db, log);
  const mail = new MailService(db, jobs, { smtpUrl: config.SMTP_URL, from: config.MAIL_FROM });
  const settings = new SettingsService(db);
  const organisation = new OrganisationService(db, audit);
  const breaches = new BreachesService(db, audit, mail, users, organisation, {
    igTeamEmail: config.IG_TEAM_EMAIL,
    publicUrl: config.PUBLIC_URL,
  });
  const dpia = new DpiaService(db, audit, mail, users, organisation, {
    publicUrl: config.PUBLIC_URL,
  });
  const assets = new AssetsService(db, audit);
  const processing = new ProcessingService(db, audit);
  const flows = new FlowsService(db, audit);
  dpia.useLinks(dpiaLinksFrom(assets, processing));
  breaches.useAssets(breachAssetsFrom(assets));

  const requests = createRequestsServices({
    db,
    audit,
    mail,
    jobs,
    config,
    log,
    // The SAR search checklist reads the asset register.
    assets: () => personalDataSource(assets),
  });

  const obligations = createObligationsServices({ db, audit, mail, jobs, config });
  obligations.retention.connect(requestCasesRetentionSource(db));
  obligations.retention.connect(breachFilesRetentionSource(db));
  // The flow map asks the sharing and processor registers which agreement or contract covers a flow.
  flows.useAgreements(flowAgreementsFrom(obligations.sharing, obligations.processors));

  jobs.define("sessions.purge", async () => ({ purged: await sessions.purgeEnded() }));
  jobs.every("sessions.purge", 3600);
  jobs.define("breaches.clock-alerts", async () => ({ sent: await breaches.sendClockAlerts() }));
  jobs.every("breaches.clock-alerts", 60);
  jobs.define("dpia.review-reminders", async () => ({ sent: await dpia.sendReviewReminders() }));
  jobs.every("dpia.review-reminders", 6 * 3600);
  jobs.define("assets.review-reminders", async () =>
    assets.sendReviewReminders((to, subject, body) => mail.send(to, subject, body), {
      baseUrl: config.PUBLIC_URL,
    }),
  );
  jobs.every("assets.review-reminders", 6 * 3600);

  const opendata = new OpenDataService(db, audit, {
    dataDir: config.dataDir,
    jobs,
    mail,
    organisation,
    igTeamEmail: config.IG_TEAM_EMAIL,
    assets,
  });
  jobs.define("opendata.check", async (payload, progress) => {
    const v = await opendata.checkVersion(String(payload.versionId), progress);
    return { gate: v.gate, rows: v.rowCount };
  });
  jobs.define("opendata.reminders", async () => opendata.sendReminders());
  jobs.every("opendata.reminders", 6 * 3600);

  const matching = new MatchingService(db, audit, jobs, { dataDir: config.dataDir });
  matching.useDpiaRegister(async (reference) => !!(await dpia.approvedByReference(reference)));
  jobs.define("matching.run", async (payload, progress) =>
    matching.executeRun(String(payload.runId), progress),
  );
  jobs.define("matching.delete-due", async () => matching.deleteDue());
  jobs.every("matching.delete-due", 3600);

  return {
    config,
    database,
    db,
    audit,
    sessions,
    users,
    signIn,
    apiTokens,
    jobs,
    mail,
    settings,
    organisation,
    assets,
    processing,
    flows,
    requests,
    breaches,
    dpia,
    opendata,
    matching,
    ...obligations,
  };
}

export type Services = ReturnType<typeof createServices>;
