import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import { addWorkingDays, type IsoDate, isIsoDate } from "../../../platform/calendar/index.ts";
import type { Db, DbOrTrx } from "../../../platform/db/database.ts";
import type { MailAttachmentFile, MailService } from "../../../platform/mail/mail-service.ts";
import type { RequestCalendarService } from "../calendar/calendar-service.ts";
import { CaseInputError, type CaseRecord, type CasesService, todayIso } from "./cases-service.ts";
import { checkHiddenData, type HiddenDataFinding } from "./hidden-data.ts";
import { DEFAULT_TEMPLATES, mergeFieldsFor, mergeTemplate } from "./letters.ts";

export interface Attachment {
  id: string;
  filename: string;
  mimetype: string;
  size: number;
  purpose: string;
  hiddenData: HiddenDataFinding[];
  withheldReason: string | null;
  createdAt: Date;
}

export interface Correspondence {
  id: string;
  direction: "in" | "out";
  from: string | null;
  to: string | null;
  subject: string;
  body: string;
  at: Date;
  recordedBy: string;
}

export interface Contribution {
  id: string;
  serviceAreaId: string | null;
  serviceName: string | null;
  contactEmail: string;
  question: string;
  dueDate: IsoDate;
  status: string;
  response: string | null;
  overdue: boolean;
  remindedAt: Date | null;
  escalatedAt: Date | null;
}

export interface SearchItem {
  id: string;
  assetId: string;
  assetName: string;
  owner: string | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  note: string | null;
}

export interface LetterTemplate {
  id: string;
  name: string;
  subject: string;
  body: string;
}

/** An asset from the register that may hold personal data of the kind of person a SAR is about. */
export interface PersonalDataAsset {
  id: string;
  name: string;
  owner: string | null;
}

/** Where the SAR checklist comes from: the asset register when it is there. */
export interface PersonalDataAssetSource {
  assetsHoldingPersonalDataOf(subjectCategory: string): Promise<PersonalDataAsset[]>;
}

/** The name under which letters attach a case's documents to outgoing mail. */
export const LETTER_DOCUMENTS = "request-document";

export class HiddenDataWarning extends Error {
  constructor(readonly findings: { filename: string; findings: HiddenDataFinding[] }[]) {
    super("Attachments may contain hidden personal data");
  }
}

export interface CaseworkSettings {
  councilName: string;
  publicUrl: string;
  contributionDays: number;
  igTeamEmail: string;
}

/**
 * The work on a case: correspondence and documents, letters from templates, contributions from
 * services with their own due dates, and the SAR search checklist.
 */
export class CaseworkService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly cases: CasesService,
    private readonly calendars: RequestCalendarService,
    private readonly settings: CaseworkSettings,
    private readonly assets: () => PersonalDataAssetSource | undefined,
  ) {}

  async correspondence(caseId: string): Promise<Correspondence[]> {
    const rows = await this.db
      .selectFrom("request_correspondence")
      .selectAll()
      .where("case_id", "=", caseId)
      .orderBy("at")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      from: r.from_address,
      to: r.to_address,
      subject: r.subject,
      body: r.body,
      at: r.at,
      recordedBy: r.recorded_by,
    }));
  }

  async attachments(caseId: string): Promise<Attachment[]> {
    const rows = await this.db
      .selectFrom("request_attachments")
      .select([
        "id",
        "filename",
        "mimetype",
        "size",
        "purpose",
        "hidden_data",
        "withheld_reason",
        "created_at",
      ])
      .where("case_id", "=", caseId)
      .orderBy("created_at")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      filename: r.filename,
      mimetype: r.mimetype,
      size: r.size,
      purpose: r.purpose,
      hiddenData: (r.hidden_data as HiddenDataFinding[] | null) ?? [],
      withheldReason: r.withheld_reason,
      createdAt: r.created_at,
    }));
  }

  async attachmentFile(caseId: string, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return this.db
      .selectFrom("request_attachments")
      .select(["filename", "mimetype", "data"])
      .where("case_id", "=", caseId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** A document as the mail job attaches it to a letter. */
  async documentForMail(id: string): Promise<MailAttachmentFile | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.db
      .selectFrom("request_attachments")
      .select(["filename", "mimetype", "data"])
      .where("id", "=", id)
      .executeTakeFirst();
    return row && { filename: row.filename, contentType: row.mimetype, content: row.data };
  }

  async addAttachments(
    ctx: AuditContext,
    caseId: string,
    files: { filename: string; mimetype: string; data: Buffer }[],
    purpose: "received" | "collected" | "response",
  ): Promise<Attachment[]> {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    if (files.length === 0) throw new CaseInputError("file", "Choose a file to upload");
    await this.db.transaction().execute(async (trx) => {
      for (const file of files) {
        const report = checkHiddenData(file.filename, file.data);
        await trx
          .insertInto("request_attachments")
          .values({
            case_id: caseId,
            filename: file.filename.slice(0, 255),
            mimetype: file.mimetype.slice(0, 255),
            size: file.data.length,
            data: file.data,
            purpose,
            hidden_data: JSON.stringify(report.findings),
          })
          .execute();
      }
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: ${files.length} document${files.length === 1 ? "" : "s"} added (${purpose})`,
          changes: { files: files.map((f) => f.filename) },
        },
        trx,
      );
    });
    return this.attachments(caseId);
  }

  async markWithheld(ctx: AuditContext, caseId: string, attachmentId: string, reason: string) {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("request_attachments")
        .set({ withheld_reason: reason.trim() || null })
        .where("case_id", "=", caseId)
        .where("id", "=", attachmentId)
        .returning("filename")
        .executeTakeFirst();
      if (!updated) throw new CaseInputError("withheldReason", "No such document");
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: ${updated.filename} ${reason.trim() ? "withheld" : "released"}`,
          changes: { withheldReason: reason.trim() || null },
        },
        trx,
      );
    });
  }

  async recordIncoming(
    caseId: string,
    message: {
      from: string | null;
      to: string | null;
      subject: string;
      body: string;
      messageId?: string | null;
    },
    recordedBy: string,
    db: DbOrTrx = this.db,
  ): Promise<string> {
    const row = await db
      .insertInto("request_correspondence")
      .values({
        case_id: caseId,
        direction: "in",
        from_address: message.from,
        to_address: message.to,
        subject: message.subject,
        body: message.body,
        message_id: message.messageId ?? null,
        recorded_by: recordedBy,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  // Letters ---------------------------------------------------------------------------------

  async templates(): Promise<LetterTemplate[]> {
    let rows = await this.db
      .selectFrom("request_letter_templates")
      .selectAll()
      .orderBy("name")
      .execute();
    if (rows.length === 0) {
      await this.db
        .insertInto("request_letter_templates")
        .values(DEFAULT_TEMPLATES)
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      rows = await this.db
        .selectFrom("request_letter_templates")
        .selectAll()
        .orderBy("name")
        .execute();
    }
    return rows.map((r) => ({ id: r.id, name: r.name, subject: r.subject, body: r.body }));
  }

  async saveTemplate(
    ctx: AuditContext,
    input: { id?: string; name: string; subject: string; body: string },
  ) {
    const name = input.name.trim();
    if (!name) throw new CaseInputError("name", "Enter a name for the template");
    if (!input.subject.trim()) throw new CaseInputError("subject", "Enter the subject line");
    if (!input.body.trim()) throw new CaseInputError("body", "Enter the letter");
    await this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("request_letter_templates")
        .select("id")
        .where("name", "=", name)
        .executeTakeFirst();
      if (clash && clash.id !== input.id)
        throw new CaseInputError("name", "A template with that name already exists");
      let id = input.id;
      if (id) {
        const updated = await trx
          .updateTable("request_letter_templates")
          .set({ name, subject: input.subject, body: input.body, updated_at: new Date() })
          .where("id", "=", id)
          .returning("id")
          .executeTakeFirst();
        if (!updated) throw new CaseInputError("name", "No such template");
      } else {
        id = (
          await trx
            .insertInto("request_letter_templates")
            .values({ name, subject: input.subject, body: input.body })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id;
      }
      await this.audit.record(
        ctx,
        {
          action: input.id ? "update" : "create",
          entityType: "letter-template",
          entityId: id,
          summary: `Letter template "${name}" saved`,
        },
        trx,
      );
    });
  }

  /** The letter as it would be sent, with merge fields filled in from the case. */
  async draftLetter(record: CaseRecord, templateId: string, caseworkerName: string) {
    const template = (await this.templates()).find((t) => t.id === templateId);
    if (!template) throw new CaseInputError("templateId", "Choose a template");
    const fields = mergeFieldsFor(record, {
      councilName: this.settings.councilName,
      caseworkerName,
      publicUrl: this.settings.publicUrl,
    });
    return {
      subject: mergeTemplate(template.subject, fields).text,
      body: mergeTemplate(template.body, fields).text,
      unknown: [
        ...mergeTemplate(template.subject, fields).unknown,
        ...mergeTemplate(template.body, fields).unknown,
      ],
    };
  }

  /** Hidden-data findings on the documents to be sent; empty when nothing was found. */
  async hiddenDataIn(caseId: string, attachmentIds: string[]) {
    const all = await this.attachments(caseId);
    return all
      .filter((a) => attachmentIds.includes(a.id) && a.hiddenData.length > 0)
      .map((a) => ({ filename: a.filename, findings: a.hiddenData }));
  }

  /**
   * Sends a letter by email and keeps it on the case. Documents with hidden data stop the send
   * unless the caseworker confirms they checked them.
   */
  async sendLetter(
    ctx: AuditContext,
    caseId: string,
    input: { subject: string; body: string; attachmentIds: string[]; confirmHiddenData: boolean },
  ): Promise<void> {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    const to = record.replyTo ?? record.requesterEmail;
    if (!to)
      throw new CaseInputError(
        "body",
        "The requester has no email address: print the letter and post it",
      );
    if (!input.subject.trim()) throw new CaseInputError("subject", "Enter the subject line");
    if (!input.body.trim()) throw new CaseInputError("body", "Enter the letter");
    const chosen = [...new Set(input.attachmentIds)];
    const attachments = (await this.attachments(caseId)).filter((a) => chosen.includes(a.id));
    if (attachments.length < chosen.length)
      throw new CaseInputError("attachmentIds", "A chosen document is not on this case");
    const withheld = attachments.find((a) => a.withheldReason);
    if (withheld)
      throw new CaseInputError(
        "attachmentIds",
        `${withheld.filename} is withheld: release it before sending it`,
      );
    const warnings = await this.hiddenDataIn(caseId, chosen);
    if (warnings.length > 0 && !input.confirmHiddenData) throw new HiddenDataWarning(warnings);
    // The letter names its attachments, so the copy kept on the case says what was sent.
    const body =
      attachments.length > 0
        ? `${input.body}\n\nDocuments attached:\n${attachments.map((a) => `- ${a.filename}`).join("\n")}`
        : input.body;
    // The outbox is written on its own connection, so before the transaction rather than inside it.
    const outboxId = await this.mail.send(to, input.subject, body, {
      attachments: attachments.map((a) => ({
        source: LETTER_DOCUMENTS,
        id: a.id,
        filename: a.filename,
      })),
    });
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("request_correspondence")
        .values({
          case_id: caseId,
          direction: "out",
          from_address: null,
          to_address: to,
          subject: input.subject,
          body,
          outbox_id: outboxId,
          recorded_by: ctx.actorLabel,
        })
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "send",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: letter "${input.subject}" sent${warnings.length ? " (hidden-data warning confirmed)" : ""}`,
          changes: {
            attachments: attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size })),
            hiddenDataConfirmed: warnings.length > 0,
            outboxId,
          },
        },
        trx,
      );
    });
  }

  // Contributions from services ------------------------------------------------------------

  async contributions(caseId: string): Promise<Contribution[]> {
    const today = todayIso();
    const rows = await this.db
      .selectFrom("request_contributions as c")
      .leftJoin("service_areas as s", "s.id", "c.service_area_id")
      .selectAll("c")
      .select("s.name as service_name")
      .where("c.case_id", "=", caseId)
      .orderBy("c.created_at")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      serviceAreaId: r.service_area_id,
      serviceName: r.service_name,
      contactEmail: r.contact_email,
      question: r.question,
      dueDate: r.due_date,
      status: r.status,
      response: r.response,
      overdue: r.status === "asked" && r.due_date < today,
      remindedAt: r.reminded_at,
      escalatedAt: r.escalated_at,
    }));
  }

  async askContribution(
    ctx: AuditContext,
    caseId: string,
    input: {
      serviceAreaId: string | null;
      contactEmail: string;
      question: string;
      dueDate?: string;
    },
  ) {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    const email = input.contactEmail.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new CaseInputError("contactEmail", "Enter an email address in the correct format");
    if (!input.question.trim())
      throw new CaseInputError("question", "Enter what you need from the service");
    let due = input.dueDate?.trim();
    if (due) {
      if (!isIsoDate(due)) throw new CaseInputError("contributionDue", "Enter a real date");
    } else {
      const calendar = await this.calendars.calendar();
      due = addWorkingDays(calendar, todayIso(), this.settings.contributionDays, "uk").date;
      if (record.dueDate && due > record.dueDate) due = record.dueDate;
    }
    const dueDate = due;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("request_contributions")
        .values({
          case_id: caseId,
          service_area_id: input.serviceAreaId,
          contact_email: email,
          question: input.question.trim(),
          due_date: dueDate,
        })
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: contribution asked of ${email}, due ${dueDate}`,
        },
        trx,
      );
    });
    await this.mail.send(
      email,
      `Information request ${record.reference}: your contribution is needed by ${dueDate}`,
      `The information governance team needs your help to answer request ${record.reference}.\n\n${input.question.trim()}\n\nPlease reply by ${dueDate}. The council's legal deadline for the response is ${record.dueDate ?? "on hold"}.\n\n${this.settings.councilName}`,
    );
  }

  async receiveContribution(
    ctx: AuditContext,
    caseId: string,
    contributionId: string,
    response: string,
  ) {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("request_contributions")
        .set({ status: "received", response: response.trim() || null, received_at: new Date() })
        .where("case_id", "=", caseId)
        .where("id", "=", contributionId)
        .returning("contact_email")
        .executeTakeFirst();
      if (!row) throw new CaseInputError("response", "No such contribution");
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: contribution from ${row.contact_email} received`,
        },
        trx,
      );
    });
  }

  /**
   * The periodic job: a reminder on the due date to services that have not answered, and an
   * escalation to the caseworker and the IG team two working days after.
   */
  async remindLateContributions(
    now = new Date(),
  ): Promise<{ reminded: number; escalated: number }> {
    const today = todayIso(now);
    const calendar = await this.calendars.calendar();
    const rows = await this.db
      .selectFrom("request_contributions as k")
      .innerJoin("request_cases as c", "c.id", "k.case_id")
      .leftJoin("users as u", "u.id", "c.assigned_to")
      .select([
        "k.id",
        "k.contact_email",
        "k.question",
        "k.due_date",
        "k.reminded_at",
        "k.escalated_at",
        "c.reference",
        "c.due_date as case_due",
        "u.email as caseworker_email",
      ])
      .where("k.status", "=", "asked")
      .where("c.closed_on", "is", null)
      .where("k.due_date", "<=", today)
      .execute();
    let reminded = 0;
    let escalated = 0;
    for (const r of rows) {
      if (!r.reminded_at) {
        await this.mail.send(
          r.contact_email,
          `Reminder: contribution to ${r.reference} due ${r.due_date}`,
          `Your contribution to information request ${r.reference} is due ${r.due_date}.\n\n${r.question}\n\nThe council's legal deadline is ${r.case_due ?? "on hold"}.`,
        );
        await this.db
          .updateTable("request_contributions")
          .set({ reminded_at: now })
          .where("id", "=", r.id)
          .execute();
        reminded++;
        continue;
      }
      const escalateOn = addWorkingDays(calendar, r.due_date, 2, "uk").date;
      if (!r.escalated_at && today >= escalateOn) {
        const to = [r.caseworker_email, this.settings.igTeamEmail].filter(Boolean).join(", ");
        await this.mail.send(
          to,
          `Escalation: contribution to ${r.reference} is late`,
          `${r.contact_email} has not answered a request for a contribution to ${r.reference}, due ${r.due_date} and reminded. The legal deadline is ${r.case_due ?? "on hold"}.`,
        );
        await this.db
          .updateTable("request_contributions")
          .set({ escalated_at: now })
          .where("id", "=", r.id)
          .execute();
        escalated++;
      }
    }
    return { reminded, escalated };
  }

  // SAR search checklist --------------------------------------------------------------------

  async searches(caseId: string): Promise<SearchItem[]> {
    const rows = await this.db
      .selectFrom("request_searches")
      .selectAll()
      .where("case_id", "=", caseId)
      .orderBy("asset_name")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      assetId: r.asset_id,
      assetName: r.asset_name,
      owner: r.owner,
      confirmedBy: r.confirmed_by,
      confirmedAt: r.confirmed_at,
      note: r.note,
    }));
  }

  get assetRegisterAvailable(): boolean {
    return this.assets() !== undefined;
  }

  /** Builds (or tops up) the checklist from the asset register for the case's kind of person. */
  async buildSearchChecklist(ctx: AuditContext, caseId: string): Promise<number> {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    if (!record.subjectCategory)
      throw new CaseInputError(
        "subjectCategory",
        "Say what kind of person the request is about first",
      );
    const source = this.assets();
    if (!source) throw new CaseInputError("subjectCategory", "The asset register is not available");
    const assets = await source.assetsHoldingPersonalDataOf(record.subjectCategory);
    let added = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const asset of assets) {
        const row = await trx
          .insertInto("request_searches")
          .values({
            case_id: caseId,
            asset_id: asset.id,
            asset_name: asset.name,
            owner: asset.owner,
          })
          .onConflict((oc) => oc.columns(["case_id", "asset_id"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (row) added++;
      }
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: search checklist built (${added} asset${added === 1 ? "" : "s"} added)`,
        },
        trx,
      );
    });
    return added;
  }

  async confirmSearch(ctx: AuditContext, caseId: string, searchId: string, note: string) {
    const record = await this.cases.get(caseId);
    if (!record) throw new CaseInputError("id", "No such case");
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable("request_searches")
        .set({ confirmed_by: ctx.actorLabel, confirmed_at: new Date(), note: note.trim() || null })
        .where("case_id", "=", caseId)
        .where("id", "=", searchId)
        .returning("asset_name")
        .executeTakeFirst();
      if (!row) throw new CaseInputError("note", "No such search");
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "request-case",
          entityId: caseId,
          summary: `${record.reference}: ${row.asset_name} confirmed searched by ${ctx.actorLabel}`,
        },
        trx,
      );
    });
  }
}
