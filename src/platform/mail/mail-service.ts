import nodemailer, { type Transporter } from "nodemailer";
import type { Db } from "../db/database.ts";
import type { JobsService } from "../jobs/jobs-service.ts";

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  body: string;
  status: "queued" | "sent" | "held" | "failed";
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * Outbound mail. Every message is written to the outbox first, then sent by a job, so nothing is
 * lost if the mail server is down. Without SMTP_URL messages are held in the outbox for administrators to read.
 */
export class MailService {
  private readonly transport: Transporter | undefined;

  constructor(
    private readonly db: Db,
    private readonly jobs: JobsService,
    private readonly options: { smtpUrl?: string; from: string },
  ) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
    jobs.define("mail.send", async (payload) => this.deliver(String(payload.outboxId)));
  }

  get configured(): boolean {
    return !!this.transport;
  }

  async send(to: string, subject: string, body: string): Promise<string> {
    const row = await this.db
      .insertInto("mail_outbox")
      .values({
        to_address: to,
        subject,
        body_text: body,
        status: this.transport ? "queued" : "held",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (this.transport)
      await this.jobs.enqueue("mail.send", { outboxId: row.id }, { maxAttempts: 5 });
    return row.id;
  }

  private async deliver(outboxId: string): Promise<void> {
    const msg = await this.db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("id", "=", outboxId)
      .executeTakeFirst();
    if (!msg || msg.status === "sent" || !this.transport) return;
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: msg.to_address,
        subject: msg.subject,
        text: msg.body_text,
      });
      await this.db
        .updateTable("mail_outbox")
        .set({ status: "sent", sent_at: new Date(), attempts: msg.attempts + 1, last_error: null })
        .where("id", "=", outboxId)
        .execute();
    } catch (err) {
      await this.db
        .updateTable("mail_outbox")
        .set({
          status: "failed",
          attempts: msg.attempts + 1,
          last_error: err instanceof Error ? err.message : String(err),
        })
        .where("id", "=", outboxId)
        .execute();
      throw err;
    }
  }

  async outbox(limit = 100): Promise<OutboxMessage[]> {
    const rows = await this.db
      .selectFrom("mail_outbox")
      .selectAll()
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      body: r.body_text,
      status: r.status,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }
}
