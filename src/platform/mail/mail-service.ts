import nodemailer, { type Transporter } from "nodemailer";
import type { Db } from "../db/database.ts";
import type { JobsService } from "../jobs/jobs-service.ts";

/** A file to attach, by reference to where a module keeps it: read when the message is sent. */
export interface MailAttachmentRef {
  /** The name a module gave its files with `attachmentSource`. */
  source: string;
  id: string;
  filename: string;
}

export interface MailAttachmentFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Finds one of a module's files; undefined when it is gone. */
export type MailAttachmentSource = (id: string) => Promise<MailAttachmentFile | undefined>;

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  body: string;
  attachments: string[];
  status: "queued" | "sent" | "held" | "failed";
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * Outbound mail. Every message is written to the outbox first, then sent by a job, so nothing is
 * lost if the mail server is down. Without SMTP_URL messages are held in the outbox for administrators to read.
 * Attachments are kept by reference to the module's own copy of each file (see `attachmentSource`), so
 * a retry or a restart sends the same bytes and the outbox does not store them a second time.
 */
export class MailService {
  private readonly transport: Transporter | undefined;
  private readonly sources = new Map<string, MailAttachmentSource>();

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

  /** Lets messages attach a module's files by id; `read` is called each time one is sent. */
  attachmentSource(name: string, read: MailAttachmentSource): void {
    this.sources.set(name, read);
  }

  async send(
    to: string,
    subject: string,
    body: string,
    options: { attachments?: MailAttachmentRef[] } = {},
  ): Promise<string> {
    const attachments = (options.attachments ?? []).map(({ source, id, filename }) => {
      if (!this.sources.has(source)) throw new Error(`No mail attachment source "${source}"`);
      return { source, id, filename };
    });
    const row = await this.db
      .insertInto("mail_outbox")
      .values({
        to_address: to,
        subject,
        body_text: body,
        attachments: JSON.stringify(attachments),
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
        attachments: await this.readAttachments(attachmentRefs(msg.attachments)),
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

  private async readAttachments(refs: MailAttachmentRef[]) {
    const files = [];
    for (const ref of refs) {
      const read = this.sources.get(ref.source);
      const file = read ? await read(ref.id) : undefined;
      if (!file) throw new Error(`The attachment "${ref.filename}" is no longer available`);
      files.push({ filename: file.filename, content: file.content, contentType: file.contentType });
    }
    return files;
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
      attachments: attachmentRefs(r.attachments).map((a) => a.filename),
      status: r.status,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }
}

function attachmentRefs(stored: unknown): MailAttachmentRef[] {
  return Array.isArray(stored) ? (stored as MailAttachmentRef[]) : [];
}
