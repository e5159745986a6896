import type { Config } from "../../config.ts";
import type { AuditService } from "../../platform/audit/audit-service.ts";
import type { Db } from "../../platform/db/database.ts";
import type { JobsService } from "../../platform/jobs/jobs-service.ts";
import type { MailService } from "../../platform/mail/mail-service.ts";
import { ProcessorsService } from "./processors/processors-service.ts";
import { ObligationReminders } from "./reminders.ts";
import { RetentionService } from "./retention/retention-service.ts";
import { SharingService } from "./sharing/sharing-service.ts";
import { TrainingService } from "./training/training-service.ts";

/**
 * Builds the four obligation registers and defines their jobs: the schedule applied to Steward's own
 * records once a day, and the weekly reminder digests (checked hourly, sent once per person per week).
 */
export function createObligationsServices(deps: {
  db: Db;
  audit: AuditService;
  mail: MailService;
  jobs: JobsService;
  config: Pick<Config, "IG_TEAM_EMAIL" | "PUBLIC_URL">;
}) {
  const { db, audit, mail, jobs, config } = deps;
  const retention = new RetentionService(db, audit);
  const sharing = new SharingService(db, audit);
  const processors = new ProcessorsService(db, audit);
  const training = new TrainingService(db, audit);
  const obligationReminders = new ObligationReminders(
    db,
    { retention, sharing, processors, training },
    (to, subject, body) => mail.send(to, subject, body),
    { igTeamEmail: config.IG_TEAM_EMAIL, publicUrl: config.PUBLIC_URL },
  );
  jobs.define("retention.own-records", async () => retention.applyToOwnRecords());
  jobs.every("retention.own-records", 24 * 3600);
  jobs.define("obligations.digest", async () => obligationReminders.sendDigests());
  jobs.every("obligations.digest", 3600);
  return { retention, sharing, processors, training, obligationReminders };
}
