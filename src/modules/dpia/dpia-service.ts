import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { AuditContext, AuditService } from "../../platform/audit/audit-service.ts";
import { systemActor } from "../../platform/audit/audit-service.ts";
import type { UsersService } from "../../platform/auth/users-service.ts";
import type { Db, Trx } from "../../platform/db/database.ts";
import { UUID } from "../../platform/db/ids.ts";
import type { MailService } from "../../platform/mail/mail-service.ts";
import type { OrganisationService } from "../organisation/organisation-service.ts";
import type { DpiasTable } from "./tables.ts";
import {
  DEFAULT_TEMPLATE,
  type DpiaTemplateContent,
  type Likelihood,
  type RiskLevel,
  riskLevel,
  type ScreeningResult,
  type Severity,
  type StepKey,
  screen,
} from "./template.ts";

export class DpiaInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a DPIA can be linked to: assets and processing activities from the register. */
export interface DpiaLinkSource {
  assets(): Promise<{ id: string; name: string; holdsPersonalData: boolean }[]>;
  processing(): Promise<{ id: string; name: string }[]>;
}
const noLinks: DpiaLinkSource = { assets: async () => [], processing: async () => [] };

export interface DpiaRisk {
  id: string;
  description: string;
  riskType: string;
  likelihood: Likelihood;
  severity: Severity;
  measures: string | null;
  effect: "eliminated" | "reduced" | "accepted" | null;
  residual: RiskLevel | null;
  measureApproved: boolean;
}

export interface DpiaContent {
  sections: Partial<Record<StepKey, string>>;
  risks: DpiaRisk[];
  dpoAdvice: string | null;
  dpoAdviceBy: string | null;
  dpoAdviceAt: string | null;
}

export interface SignOff {
  measuresApprovedBy: string;
  residualRisksApprovedBy: string;
  dpoAdviceFollowed: boolean;
  overruledReason: string | null;
  consultationReviewedBy: string | null;
  reviewOwner: string;
  reviewDate: string;
  icoConsultation: string | null;
  signedOffBy: string;
  signedOffAt: string;
}

export interface Screening {
  personalData: boolean;
  yes: string[];
  notes: string | null;
  reasons: string[];
  criteriaMet: number;
  screenedBy: string;
  screenedAt: string;
  templateVersion: number;
}

export type DpiaStatus = "screened" | "draft" | "approved" | "revising";

export interface Dpia {
  id: string;
  reference: string;
  title: string;
  description: string;
  serviceAreaId: string | null;
  status: DpiaStatus;
  screeningResult: ScreeningResult["result"];
  screening: Screening;
  templateVersion: number;
  content: DpiaContent;
  assetIds: string[];
  processingIds: string[];
  approvedVersion: number | null;
  reviewDate: string | null;
  reviewOwner: string | null;
  ownerId: string;
  createdAt: Date;
  updatedAt: Date;
  /** A high risk remains after the measures: prior consultation with the ICO (Art. 36). */
  residualHigh: boolean;
  reviewOverdue: boolean;
}

/** A frozen, signed-off version. */
export interface DpiaVersion {
  version: number;
  snapshot: Snapshot;
  signoff: SignOff;
  residualHigh: boolean;
  signedOffAt: Date;
}

export interface Snapshot {
  title: string;
  description: string;
  assetIds: string[];
  processingIds: string[];
  content: DpiaContent;
}

export interface ScreeningInput {
  title: string;
  description: string;
  serviceAreaId: string | null;
  personalData: boolean;
  yes: string[];
  notes: string | null;
}

export interface RiskInput {
  description: string;
  riskType: string;
  likelihood: Likelihood;
  severity: Severity;
  measures: string | null;
  effect: DpiaRisk["effect"];
  residual: RiskLevel | null;
  measureApproved: boolean;
}

export type SignOffInput = Omit<SignOff, "signedOffBy" | "signedOffAt">;

type Row = Selectable<DpiasTable>;
const reference = (n: number) => `DPIA-${String(n).padStart(4, "0")}`;
const emptyContent = (): DpiaContent => ({
  sections: {},
  risks: [],
  dpoAdvice: null,
  dpoAdviceBy: null,
  dpoAdviceAt: null,
});

export function residualHigh(content: DpiaContent): boolean {
  return content.risks.some(
    (r) =>
      (r.residual ?? riskLevel(r.likelihood, r.severity)) === "high" && r.effect !== "eliminated",
  );
}

/** Steps of the ICO template, with whether each has been done. */
export function progress(d: Dpia, template: DpiaTemplateContent) {
  const s = d.content.sections;
  const filled = (k: StepKey) => !!s[k]?.trim();
  const risksNeedingMeasures = d.content.risks.filter(
    (r) => riskLevel(r.likelihood, r.severity) !== "low",
  );
  return [
    {
      key: "need",
      title: template.steps.find((x) => x.key === "need")?.title ?? "Need",
      done: filled("need"),
    },
    {
      key: "processing",
      title: "Describe the processing",
      done: (["nature", "scope", "context", "purposes"] as StepKey[]).every(filled),
    },
    { key: "consultation", title: "Consultation", done: filled("consultation") },
    { key: "necessity", title: "Necessity and proportionality", done: filled("necessity") },
    { key: "risks", title: "Identify and assess risks", done: d.content.risks.length > 0 },
    {
      key: "measures",
      title: "Measures to reduce risk",
      done:
        d.content.risks.length > 0 &&
        risksNeedingMeasures.every((r) => !!r.measures && !!r.residual),
    },
    {
      key: "links",
      title: "Assets and processing covered",
      done: d.assetIds.length + d.processingIds.length > 0,
    },
    { key: "dpo-advice", title: "DPO advice", done: !!d.content.dpoAdvice },
  ];
}

export interface DpiaServiceOptions {
  publicUrl: string;
  now?: () => Date;
}

/** DPIAs from screening to sign-off: versioned templates, versions frozen at sign-off, review reminders. */
export class DpiaService {
  private links: DpiaLinkSource = noLinks;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly users: UsersService,
    private readonly organisation: OrganisationService,
    private readonly options: DpiaServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  useLinks(source: DpiaLinkSource): void {
    this.links = source;
  }

  linkOptions() {
    return Promise.all([this.links.assets(), this.links.processing()]).then(
      ([assets, processing]) => ({ assets, processing }),
    );
  }

  // ---- Templates (the DPO's) ----

  async currentTemplate(): Promise<{ version: number; content: DpiaTemplateContent }> {
    const row = await this.db
      .selectFrom("dpia_templates")
      .selectAll()
      .orderBy("version", "desc")
      .limit(1)
      .executeTakeFirst();
    if (row) return { version: row.version, content: row.content as DpiaTemplateContent };
    await this.db
      .insertInto("dpia_templates")
      .values({
        version: 1,
        content: JSON.stringify(DEFAULT_TEMPLATE),
        note: "The ICO template, Art. 35(3), the ICO's list and the EDPB's criteria",
      })
      .onConflict((oc) => oc.column("version").doNothing())
      .execute();
    return this.currentTemplate();
  }

  async template(version: number): Promise<DpiaTemplateContent> {
    const row = await this.db
      .selectFrom("dpia_templates")
      .select("content")
      .where("version", "=", version)
      .executeTakeFirst();
    return (
      (row?.content as DpiaTemplateContent | undefined) ?? (await this.currentTemplate()).content
    );
  }

  async templateVersions() {
    await this.currentTemplate();
    return this.db
      .selectFrom("dpia_templates")
      .select(["version", "note", "created_at", "created_by"])
      .orderBy("version", "desc")
      .execute();
  }

  async saveTemplate(
    ctx: AuditContext,
    userId: string,
    content: DpiaTemplateContent,
    note: string | null,
  ): Promise<number> {
    if (content.questions.length === 0)
      throw new DpiaInputError("questions", "Keep at least one screening question");
    if (content.riskTypes.length === 0)
      throw new DpiaInputError("riskTypes", "Keep at least one risk type");
    const current = await this.currentTemplate();
    return this.db.transaction().execute(async (trx) => {
      const version = current.version + 1;
      await trx
        .insertInto("dpia_templates")
        .values({ version, content: JSON.stringify(content), note, created_by: userId })
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "dpia-template",
          entityId: String(version),
          summary: `DPIA questions and risk types: version ${version}`,
          changes: { note, questions: content.questions.length, riskTypes: content.riskTypes },
        },
        trx,
      );
      return version;
    });
  }

  // ---- Screening ----

  async screenProject(
    ctx: AuditContext,
    owner: { id: string; name: string },
    input: ScreeningInput,
  ): Promise<Dpia> {
    const template = await this.currentTemplate();
    const screening = this.screening(template, input, owner.name);
    const row = await this.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto("dpias")
        .values({
          title: input.title,
          description: input.description,
          service_area_id: input.serviceAreaId,
          screening_result: screening.result,
          screening: JSON.stringify(screening.record),
          template_version: template.version,
          content: JSON.stringify(emptyContent()),
          owner_id: owner.id,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "dpia",
          entityId: created.id,
          summary: `${reference(created.number)} screened: DPIA ${screening.result.replace("-", " ")}`,
          changes: { title: input.title, result: screening.result, yes: input.yes },
        },
        trx,
      );
      return created;
    });
    return this.present(row);
  }

  async rescreen(
    ctx: AuditContext,
    id: string,
    screenerName: string,
    input: ScreeningInput,
  ): Promise<void> {
    const template = await this.currentTemplate();
    const screening = this.screening(template, input, screenerName);
    await this.mutate(
      ctx,
      id,
      `screened again: DPIA ${screening.result.replace("-", " ")}`,
      () => ({
        title: input.title,
        description: input.description,
        service_area_id: input.serviceAreaId,
        screening_result: screening.result,
        screening: JSON.stringify(screening.record),
      }),
    );
  }

  private screening(
    template: { version: number; content: DpiaTemplateContent },
    input: ScreeningInput,
    by: string,
  ) {
    const known = new Set(template.content.questions.map((q) => q.id));
    const yes = input.yes.filter((q) => known.has(q));
    const result = screen(template.content, input.personalData, yes);
    const record: Screening = {
      personalData: input.personalData,
      yes,
      notes: input.notes,
      reasons: result.reasons,
      criteriaMet: result.criteriaMet,
      screenedBy: by,
      screenedAt: this.now().toISOString(),
      templateVersion: template.version,
    };
    return { result: result.result, record };
  }

  // ---- Reading ----

  async get(id: string): Promise<Dpia | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.db
      .selectFrom("dpias")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? this.present(row) : undefined;
  }

  async list(filter: { ownerId?: string } = {}): Promise<Dpia[]> {
    let q = this.db.selectFrom("dpias").selectAll();
    if (filter.ownerId) q = q.where("owner_id", "=", filter.ownerId);
    const rows = await q.orderBy("updated_at", "desc").limit(500).execute();
    return rows.map((r) => this.present(r));
  }

  /** Signed-off DPIAs, for record-linkage projects, which must point at one before they run. */
  async approved(): Promise<
    {
      id: string;
      reference: string;
      title: string;
      version: number;
      signedOffAt: Date;
      reviewDate: string | null;
    }[]
  > {
    const rows = await this.db
      .selectFrom("dpias")
      .innerJoin("dpia_versions", (j) =>
        j
          .onRef("dpia_versions.dpia_id", "=", "dpias.id")
          .onRef("dpia_versions.version", "=", "dpias.approved_version"),
      )
      .select([
        "dpias.id",
        "dpias.number",
        "dpias.title",
        "dpias.approved_version",
        "dpias.review_date",
        "dpia_versions.signed_off_at",
      ])
      .orderBy("dpias.title")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      reference: reference(r.number),
      title: r.title,
      version: r.approved_version as number,
      signedOffAt: r.signed_off_at,
      reviewDate: r.review_date,
    }));
  }

  /**
   * For projects that must point at an approved DPIA (record linkage): the signed-off DPIA with this
   * reference ("DPIA-0007") or id, or undefined when there is none or it has never been signed off.
   */
  async approvedByReference(referenceOrId: string) {
    const ref = referenceOrId.trim();
    const m = /^DPIA-(\d{1,9})$/i.exec(ref);
    if (!m && !UUID.test(ref)) return undefined;
    return (await this.approved()).find((a) =>
      m ? a.reference === reference(Number(m[1])) : a.id === ref,
    );
  }

  async versions(id: string): Promise<DpiaVersion[]> {
    if (!UUID.test(id)) return [];
    const rows = await this.db
      .selectFrom("dpia_versions")
      .selectAll()
      .where("dpia_id", "=", id)
      .orderBy("version", "desc")
      .execute();
    return rows.map((r) => ({
      version: r.version,
      snapshot: r.content as Snapshot,
      signoff: r.signoff as SignOff,
      residualHigh: r.residual_high,
      signedOffAt: r.signed_off_at,
    }));
  }

  /** Screened projects with personal data and no signed-off DPIA, and register assets no DPIA covers. */
  async gaps() {
    const all = await this.list();
    const projects = all.filter(
      (d) =>
        d.screening.personalData &&
        d.screeningResult !== "not-needed" &&
        d.approvedVersion === null,
    );
    const covered = new Set(
      all.filter((d) => d.approvedVersion !== null).flatMap((d) => d.assetIds),
    );
    const assets = (await this.links.assets()).filter(
      (a) => a.holdsPersonalData && !covered.has(a.id),
    );
    return { projects, assets };
  }

  // ---- Writing the DPIA ----

  async start(ctx: AuditContext, id: string): Promise<void> {
    await this.mutate(ctx, id, "full DPIA started", (row) =>
      row.status === "screened" ? { status: "draft" } : {},
    );
  }

  async saveSections(
    ctx: AuditContext,
    id: string,
    sections: Partial<Record<StepKey, string | null>>,
  ): Promise<void> {
    await this.mutate(ctx, id, `${Object.keys(sections).join(", ")} saved`, (row) => {
      const content = this.contentOf(row);
      for (const [k, v] of Object.entries(sections)) {
        if (v) content.sections[k as StepKey] = v;
        else delete content.sections[k as StepKey];
      }
      return { content: JSON.stringify(content) };
    });
  }

  async saveLinks(
    ctx: AuditContext,
    id: string,
    assetIds: string[],
    processingIds: string[],
  ): Promise<void> {
    await this.mutate(ctx, id, "assets and processing linked", () => ({
      asset_ids: [...new Set(assetIds.filter((x) => UUID.test(x)))],
      processing_ids: [...new Set(processingIds.filter((x) => UUID.test(x)))],
    }));
  }

  async saveRisk(
    ctx: AuditContext,
    id: string,
    riskId: string | null,
    input: RiskInput,
  ): Promise<string> {
    const newId = riskId ?? randomUUID();
    await this.mutate(ctx, id, riskId ? "risk changed" : "risk added", (row) => {
      const content = this.contentOf(row);
      const risk: DpiaRisk = { id: newId, ...input };
      const i = content.risks.findIndex((r) => r.id === riskId);
      if (riskId && i < 0) throw new DpiaInputError("form", "No such risk");
      if (i >= 0) content.risks[i] = risk;
      else content.risks.push(risk);
      return { content: JSON.stringify(content) };
    });
    return newId;
  }

  async removeRisk(ctx: AuditContext, id: string, riskId: string): Promise<void> {
    await this.mutate(ctx, id, "risk removed", (row) => {
      const content = this.contentOf(row);
      content.risks = content.risks.filter((r) => r.id !== riskId);
      return { content: JSON.stringify(content) };
    });
  }

  async saveDpoAdvice(
    ctx: AuditContext,
    id: string,
    dpoName: string,
    advice: string,
  ): Promise<void> {
    await this.mutate(ctx, id, "DPO advice recorded", (row) => {
      const content = this.contentOf(row);
      content.dpoAdvice = advice;
      content.dpoAdviceBy = dpoName;
      content.dpoAdviceAt = this.now().toISOString();
      return { content: JSON.stringify(content) };
    });
  }

  /** What must be done before sign-off. */
  signOffProblems(d: Dpia, template: DpiaTemplateContent): string[] {
    const steps = progress(d, template);
    const problems = steps
      .filter((s) => !s.done && s.key !== "links")
      .map((s) => `Complete: ${s.title}`);
    if (d.status === "screened") problems.unshift("Start the full DPIA");
    if (d.status === "approved")
      problems.unshift("This version is already signed off; change something to make a new draft");
    return problems;
  }

  /** Signs off the draft: freezes it as the next version. */
  async signOff(
    ctx: AuditContext,
    id: string,
    signer: { id: string; name: string },
    input: SignOffInput,
  ): Promise<number> {
    const d = await this.get(id);
    if (!d) throw new DpiaInputError("form", "No such DPIA");
    const problems = this.signOffProblems(d, await this.template(d.templateVersion));
    if (problems.length) throw new DpiaInputError("form", problems[0]);
    if (!input.dpoAdviceFollowed && !input.overruledReason)
      throw new DpiaInputError("overruledReason", "Explain why the DPO's advice was not followed");
    const high = residualHigh(d.content);
    if (high && !input.icoConsultation)
      throw new DpiaInputError(
        "icoConsultation",
        "A high risk remains: record the prior consultation with the ICO (Art. 36) before the processing starts",
      );
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("dpias")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const last = await trx
        .selectFrom("dpia_versions")
        .select((eb) => eb.fn.max("version").as("v"))
        .where("dpia_id", "=", id)
        .executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      const snapshot: Snapshot = {
        title: row.title,
        description: row.description,
        assetIds: row.asset_ids,
        processingIds: row.processing_ids,
        content: this.contentOf(row),
      };
      const signoff: SignOff = {
        ...input,
        signedOffBy: signer.name,
        signedOffAt: this.now().toISOString(),
      };
      await trx
        .insertInto("dpia_versions")
        .values({
          dpia_id: id,
          version,
          content: JSON.stringify(snapshot),
          signoff: JSON.stringify(signoff),
          residual_high: high,
          signed_off_by: signer.id,
          signed_off_at: this.now(),
        })
        .execute();
      await trx
        .updateTable("dpias")
        .set({
          status: "approved",
          approved_version: version,
          review_date: input.reviewDate,
          review_owner: input.reviewOwner,
          updated_at: this.now(),
        })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "sign-off",
          entityType: "dpia",
          entityId: id,
          summary: `${reference(row.number)} version ${version} signed off${high ? " (prior consultation with the ICO)" : ""}`,
          changes: { version, ...signoff },
        },
        trx,
      );
      return version;
    });
  }

  /**
   * Every change goes through here: locked, applied, audited. Changing a signed-off DPIA makes a new draft
   * (status "revising"); the signed-off version stays as it was.
   */
  private async mutate(
    ctx: AuditContext,
    id: string,
    what: string,
    change: (row: Row) => Partial<Record<keyof Row, unknown>>,
  ): Promise<void> {
    if (!UUID.test(id)) throw new DpiaInputError("form", "No such DPIA");
    await this.db.transaction().execute(async (trx: Trx) => {
      const row = await trx
        .selectFrom("dpias")
        .selectAll()
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new DpiaInputError("form", "No such DPIA");
      const values = change(row);
      if (Object.keys(values).length === 0) return;
      const status = values.status ?? (row.status === "approved" ? "revising" : row.status);
      await trx
        .updateTable("dpias")
        .set({
          ...(values as Record<string, never>),
          status: status as string,
          updated_at: this.now(),
        })
        .where("id", "=", id)
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "update",
          entityType: "dpia",
          entityId: id,
          summary: `${reference(row.number)}: ${what}${row.status === "approved" ? " (new draft after sign-off)" : ""}`,
          changes: Object.fromEntries(Object.keys(values).map((k) => [k, true])),
        },
        trx,
      );
    });
  }

  // ---- Review reminders ----

  /** A month before a DPIA's review date, and when it has passed: one email each to the DPO and the owner. */
  async sendReviewReminders(): Promise<number> {
    const today = this.now().toISOString().slice(0, 10);
    const soon = new Date(this.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const due = await this.db
      .selectFrom("dpias")
      .select(["id", "number", "title", "review_date", "owner_id"])
      .where("approved_version", "is not", null)
      .where("review_date", "<=", soon)
      .execute();
    const roles = await this.organisation.governanceRoles();
    const dpoId = roles.find((r) => r.role === "dpo")?.userId;
    let sent = 0;
    for (const d of due) {
      if (!d.review_date) continue;
      const kind = d.review_date < today ? "overdue" : "due-soon";
      const inserted = await this.db
        .insertInto("dpia_reminders")
        .values({ dpia_id: d.id, review_date: d.review_date, kind })
        .onConflict((oc) => oc.columns(["dpia_id", "review_date", "kind"]).doNothing())
        .returning("kind")
        .executeTakeFirst();
      if (!inserted) continue;
      const to = new Set<string>();
      for (const uid of [d.owner_id, dpoId]) {
        const u = uid ? await this.users.get(uid) : undefined;
        if (u && !u.disabled) to.add(u.email);
      }
      const subject = `${reference(d.number)}: DPIA review ${kind === "overdue" ? "overdue" : "due"} (${d.review_date})`;
      const body = `The DPIA "${d.title}" is due for review on ${d.review_date}. Check that it still describes the processing and its risks; any change makes a new draft for sign-off.\n\n${this.options.publicUrl.replace(/\/$/, "")}/dpia/${d.id}`;
      for (const addr of to) await this.mail.send(addr, subject, body);
      await this.audit.record(systemActor, {
        action: "remind",
        entityType: "dpia",
        entityId: d.id,
        summary: subject,
      });
      sent++;
    }
    return sent;
  }

  // ---- Helpers ----

  private contentOf(row: Row): DpiaContent {
    const c = (row.content ?? {}) as Partial<DpiaContent>;
    return {
      ...emptyContent(),
      ...c,
      sections: { ...(c.sections ?? {}) },
      risks: [...(c.risks ?? [])],
    };
  }

  private present(row: Row): Dpia {
    const content = this.contentOf(row);
    const today = this.now().toISOString().slice(0, 10);
    return {
      id: row.id,
      reference: reference(row.number),
      title: row.title,
      description: row.description,
      serviceAreaId: row.service_area_id,
      status: row.status,
      screeningResult: row.screening_result,
      screening: row.screening as Screening,
      templateVersion: row.template_version,
      content,
      assetIds: row.asset_ids,
      processingIds: row.processing_ids,
      approvedVersion: row.approved_version,
      reviewDate: row.review_date,
      reviewOwner: row.review_owner,
      ownerId: row.owner_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      residualHigh: residualHigh(content),
      reviewOverdue: !!row.review_date && row.review_date < today,
    };
  }
}
