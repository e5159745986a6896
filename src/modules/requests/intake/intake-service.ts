import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import type { Db } from "../../../platform/db/database.ts";
import type { MailService } from "../../../platform/mail/mail-service.ts";
import { type CasesService, type NewCase, todayIso } from "../cases/cases-service.ts";
import { checkHiddenData } from "../cases/hidden-data.ts";
import { REQUEST_TYPES, type RequestType } from "../cases/vocabulary.ts";

export interface IntakeSettings {
  councilName: string;
  publicUrl: string;
}

/** A WhatDoTheyKnow request address: request-123-abcd1234@whatdotheyknow.com. */
const WDTK = /^request-(\d+)-([0-9a-z]+)@whatdotheyknow\.com$/i;

export function whatDoTheyKnowRequest(
  addresses: (string | undefined)[],
): { address: string; number: string } | undefined {
  for (const a of addresses) {
    const m = a ? WDTK.exec(a.trim()) : null;
    if (m) return { address: a?.trim().toLowerCase() ?? "", number: m[1] };
  }
  return undefined;
}

/** A first guess at the type of an emailed request, from its words; caseworkers can change it. */
export function guessType(text: string): { type: RequestType; dataRight?: string } {
  const t = text.toLowerCase();
  if (
    /subject access|my personal (data|information)|copy of (my|all) (data|information|records)|\bsar\b|data protection act.*(my|me)/.test(
      t,
    )
  )
    return { type: "sar", dataRight: "access" };
  if (/right to (erasure|be forgotten)|delete my (data|personal)/.test(t))
    return { type: "sar", dataRight: "erasure" };
  if (
    /schedule 2|section 29|police|constabulary|prevention or detection of crime/.test(t) &&
    /personal|data|information about/.test(t)
  )
    return { type: "police" };
  if (/internal review/.test(t)) return { type: "internal-review" };
  if (
    /environmental information|\beir\b|pollution|air quality|contaminat|emissions|planning application|flood/.test(
      t,
    )
  )
    return { type: "eir" };
  return { type: "foi" };
}

function addressesOf(
  field: AddressObject | AddressObject[] | undefined,
): { address?: string; name?: string }[] {
  if (!field) return [];
  return (Array.isArray(field) ? field : [field]).flatMap((f) => f.value);
}

export interface Acknowledged {
  id: string;
  reference: string;
  dueDate: string | null;
  statusToken: string;
}

/**
 * How requests arrive: the public form, email (inbound SMTP, IMAP, an uploaded .eml) and staff
 * logging a letter or a call. Each becomes a case and an acknowledgement with the reference and due date.
 */
export class IntakeService {
  constructor(
    private readonly db: Db,
    private readonly mail: MailService,
    private readonly cases: CasesService,
    private readonly settings: IntakeSettings,
  ) {}

  statusLink(reference: string, token: string): string {
    return `${this.settings.publicUrl}/requests/status/${encodeURIComponent(reference)}?token=${token}`;
  }

  /** Creates the case and sends the acknowledgement (with a private status link). */
  async receive(ctx: AuditContext, input: NewCase): Promise<Acknowledged> {
    const created = await this.cases.create(ctx, input);
    const to = input.replyTo ?? input.requesterEmail;
    if (to) {
      const due = created.dueDate
        ? `We will reply by ${created.dueDate}.`
        : "We will tell you when we expect to reply.";
      const identity =
        input.type === "sar"
          ? "\n\nWe may need to confirm your identity before we can answer. If so, we will ask you; the time we have to reply starts when we have what we need."
          : "";
      const subject = `Your request ${created.reference}`;
      const body = `Dear ${input.requesterName ?? "Sir or Madam"},\n\nThank you for your ${REQUEST_TYPES[input.type].replace(/ \(.*\)$/, "").toLowerCase()} request, received on ${input.received}. Your reference is ${created.reference}.\n\n${due}${identity}\n\nCheck the progress of your request at any time:\n${this.statusLink(created.reference, created.statusToken)}\n\n${this.settings.councilName}`;
      const outboxId = await this.mail.send(to, subject, body);
      await this.db
        .insertInto("request_correspondence")
        .values({
          case_id: created.id,
          direction: "out",
          to_address: to,
          subject,
          body: body.replace(/token=[\w-]+/, "token=…"),
          outbox_id: outboxId,
          recorded_by: "Steward (acknowledgement)",
        })
        .execute();
    }
    return created;
  }

  /** Turns one email (raw RFC 5322 source) into a case, with its attachments. Duplicate Message-IDs are ignored. */
  async receiveEmail(
    ctx: AuditContext,
    source: Buffer | string,
    options: { envelopeTo?: string[]; channel?: string } = {},
  ): Promise<Acknowledged | { duplicate: true; reference: string }> {
    const mail: ParsedMail = await simpleParser(source);
    const from = addressesOf(mail.from)[0];
    const replyTo = addressesOf(mail.replyTo)[0];
    const messageId = mail.messageId ?? null;
    if (messageId) {
      const seen = await this.db
        .selectFrom("request_correspondence as r")
        .innerJoin("request_cases as c", "c.id", "r.case_id")
        .select("c.reference")
        .where("r.message_id", "=", messageId)
        .executeTakeFirst();
      if (seen) return { duplicate: true, reference: seen.reference };
    }
    const text = (
      mail.text ?? (typeof mail.html === "string" ? mail.html.replace(/<[^>]+>/g, " ") : "")
    ).trim();
    const subject = (mail.subject ?? "").trim();
    const wdtk = whatDoTheyKnowRequest([from?.address, replyTo?.address]);
    const guess = guessType(`${subject}\n${text}`);
    const received =
      mail.date && !Number.isNaN(mail.date.getTime()) ? todayIso(mail.date) : todayIso();
    const ack = await this.receive(ctx, {
      type: guess.type,
      dataRight: guess.dataRight ?? null,
      received: received > todayIso() ? todayIso() : received,
      channel: wdtk ? "whatdotheyknow" : "email",
      summary: subject || text.slice(0, 120) || "(no subject)",
      requestText: text || "(empty message)",
      requesterName: from?.name || null,
      requesterEmail: from?.address ?? null,
      replyTo: wdtk?.address ?? replyTo?.address ?? null,
      wdtkRequest: wdtk?.number ?? null,
    });
    const correspondenceId = (
      await this.db
        .insertInto("request_correspondence")
        .values({
          case_id: ack.id,
          direction: "in",
          from_address: from?.address ?? null,
          to_address:
            options.envelopeTo?.join(", ") ??
            addressesOf(mail.to)
              .map((a) => a.address)
              .join(", "),
          subject: subject || "(no subject)",
          body: text,
          message_id: messageId,
          recorded_by: options.channel ?? "email intake",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    for (const attachment of mail.attachments) {
      if (attachment.related) continue; // inline images of an HTML body
      const filename = attachment.filename ?? "attachment";
      await this.db
        .insertInto("request_attachments")
        .values({
          case_id: ack.id,
          correspondence_id: correspondenceId,
          filename: filename.slice(0, 255),
          mimetype: attachment.contentType.slice(0, 255),
          size: attachment.content.length,
          data: attachment.content,
          purpose: "received",
          hidden_data: JSON.stringify(checkHiddenData(filename, attachment.content).findings),
        })
        .execute();
    }
    return ack;
  }
}
