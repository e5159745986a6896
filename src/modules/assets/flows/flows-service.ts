import { type Insertable, type RawBuilder, sql } from "kysely";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import { diff } from "../../../platform/audit/audit-service.ts";
import type { Principal } from "../../../platform/auth/policy.ts";
import { hasRole } from "../../../platform/auth/policy.ts";
import type { Db, DbOrTrx } from "../../../platform/db/database.ts";
import { UUID } from "../../../platform/db/ids.ts";
import { RegisterConflictError, RegisterInputError } from "../errors.ts";
import { column, schemaFor } from "../fields.ts";
import type { DataFlowsTable } from "../tables.ts";
import { sensitivity } from "../vocabularies.ts";
import type {
  AgreementChoice,
  AgreementKind,
  AgreementRef,
  AgreementRegister,
} from "./agreement-source.ts";
import { FLOW_FIELDS, type FlowInput } from "./flow-fields.ts";

export type EndpointKind = "asset" | "service" | "partner";

/**
 * Whether a data-sharing agreement or processor contract in the obligations registers covers the
 * flow today. Only personal data to or from another organisation, or leaving the UK, needs one.
 */
export type CoverageStatus = "covered" | "expired" | "not-covered" | "not-needed";

export interface FlowCoverage {
  status: CoverageStatus;
  /** The agreements and contracts in force that cover it. */
  covering: AgreementRef[];
  /** When none does: the ones that did, or that are with its partner, and have ended. */
  lapsed: AgreementRef[];
  /** The ones an IG officer linked to this flow, whatever their state. */
  linked: AgreementRef[];
}

export interface Flow extends FlowInput {
  id: string;
  reference: string;
  fromAssetId: string | null;
  toAssetId: string | null;
  fromLabel: string;
  toLabel: string;
  fromServiceId: string | null;
  toServiceId: string | null;
  fromServiceName: string | null;
  toServiceName: string | null;
  specialCategory: boolean;
  criminalOffence: boolean;
  external: boolean;
  /** Which agreement or contract covers it; null when the registers are not connected. */
  coverage: FlowCoverage | null;
  /** Why the flow is a transfer at risk; empty when it is not. */
  risks: string[];
}

export interface FlowFilter {
  search?: string;
  serviceAreaId?: string;
  assetId?: string;
  personalData?: boolean;
  specialCategory?: boolean;
  external?: boolean;
  international?: boolean;
  /** No agreement or contract in force covers it (none at all, or only ended ones). */
  noAgreement?: boolean;
  /** By cover: in force, only ended ones, or none at all. */
  cover?: "covered" | "expired" | "none";
  atRisk?: boolean;
  page?: number;
  pageSize?: number;
}

const schema = schemaFor(FLOW_FIELDS);
const NOTHING = "00000000-0000-0000-0000-000000000000";

/**
 * The flows of each cover state among those that need an agreement, from the registers. Without the
 * registers connected, the free-text agreement field stands in (covered when anything is written).
 */
interface Gaps {
  notCovered: string[];
  expired: string[];
  covered: string[];
}

const NEEDS_COVER = sql<boolean>`(f.personal_data AND (f.external OR f.leaves_uk))`;

function missingAgreement(gaps: Gaps | undefined) {
  return gaps
    ? sql<boolean>`(f.id = ANY(${[...gaps.notCovered, ...gaps.expired]}::uuid[]))`
    : sql<boolean>`(f.agreement IS NULL)`;
}

/** Personal data leaving the council (to a partner, or abroad) with no agreement, no encryption, or no safeguard abroad. */
function atRiskSql(gaps: Gaps | undefined) {
  return sql<boolean>`(f.personal_data AND (f.to_kind = 'partner' OR f.leaves_uk) AND (
  ${missingAgreement(gaps)} OR NOT f.encrypted_in_transit
  OR (f.leaves_uk AND (f.transfer_safeguard IS NULL OR f.transfer_safeguard = 'none'))))`;
}

export function riskReasons(f: {
  personalData: boolean;
  toKind: string;
  leavesUk: boolean;
  agreement: string | null;
  encryptedInTransit: boolean;
  transferSafeguard: string | null;
  coverage?: FlowCoverage | null;
}): string[] {
  if (!f.personalData || !(f.toKind === "partner" || f.leavesUk)) return [];
  const reasons: string[] = [];
  if (f.coverage) {
    if (f.coverage.status === "not-covered") reasons.push("No sharing agreement or contract");
    if (f.coverage.status === "expired") reasons.push("Sharing agreement or contract has expired");
  } else if (!f.agreement) reasons.push("No sharing agreement or contract");
  if (!f.encryptedInTransit) reasons.push("Not encrypted in transit");
  if (f.leavesUk && (!f.transferSafeguard || f.transferSafeguard === "none"))
    reasons.push("Leaves the UK without a safeguard");
  return reasons;
}

/** The partner organisations at either end of a flow, by the names the flow records. */
function partnerNamesOf(r: {
  from_kind: string;
  from_partner: string | null;
  to_kind: string;
  to_partner: string | null;
}): string[] {
  return [
    r.to_kind === "partner" ? r.to_partner : null,
    r.from_kind === "partner" ? r.from_partner : null,
  ].filter((n): n is string => !!n);
}

function statusOf(cover: { covering: unknown[]; lapsed: unknown[] }): CoverageStatus {
  return cover.covering.length ? "covered" : cover.lapsed.length ? "expired" : "not-covered";
}

function conditions(filter: FlowFilter, gaps?: Gaps): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [];
  if (filter.serviceAreaId) {
    const id = UUID.test(filter.serviceAreaId) ? filter.serviceAreaId : NOTHING;
    c.push(sql`(f.from_service_id = ${id}::uuid OR f.to_service_id = ${id}::uuid)`);
  }
  if (filter.assetId) {
    const id = UUID.test(filter.assetId) ? filter.assetId : NOTHING;
    c.push(sql`(f.from_asset_id = ${id}::uuid OR f.to_asset_id = ${id}::uuid)`);
  }
  if (filter.personalData !== undefined) c.push(sql`f.personal_data = ${filter.personalData}`);
  if (filter.specialCategory !== undefined)
    c.push(sql`(f.special_category OR f.criminal_offence) = ${filter.specialCategory}`);
  if (filter.external !== undefined) c.push(sql`f.external = ${filter.external}`);
  if (filter.international !== undefined) c.push(sql`f.leaves_uk = ${filter.international}`);
  if (filter.noAgreement === true || filter.cover === "none")
    c.push(sql`(${missingAgreement(gaps)} AND (f.external OR f.leaves_uk))`);
  if (filter.cover === "expired")
    c.push(gaps ? sql`(f.id = ANY(${gaps.expired}::uuid[]))` : sql`false`);
  if (filter.cover === "covered")
    c.push(
      gaps
        ? sql`(f.id = ANY(${gaps.covered}::uuid[]))`
        : sql`(f.agreement IS NOT NULL AND (f.external OR f.leaves_uk))`,
    );
  if (filter.atRisk === true) c.push(atRiskSql(gaps));
  const text = filter.search?.trim();
  if (text) {
    const like = `%${text.replace(/[%_\\]/g, "\\$&")}%`;
    c.push(
      sql`(f.name ILIKE ${like} OR f.reference ILIKE ${like} OR f.from_partner ILIKE ${like} OR f.to_partner ILIKE ${like})`,
    );
  }
  return c;
}

function whereAll(c: RawBuilder<boolean>[]) {
  return c.length ? sql<boolean>`${sql.join(c, sql` AND `)}` : sql<boolean>`true`;
}

export interface MapEnd {
  key: string;
  label: string;
  side: "council" | "partner";
  group: string;
  href?: string;
}

export interface MapLink {
  from: MapEnd;
  to: MapEnd;
  count: number;
  /** How many of the flows are transfers at risk. */
  atRisk: number;
  /** How many need an agreement or contract and have none at all. */
  notCovered: number;
  /** How many need one and have only ended ones. */
  expired: number;
  special: boolean;
  personal: boolean;
  leavesUk: boolean;
}

export interface MapData {
  links: MapLink[];
  grouped: boolean;
  /** For grouped service nodes: how many assets each stands for. */
  members: Map<string, number>;
}

/** The map of data flows and transfers between assets, council services and partner organisations. */
export class FlowsService {
  private agreements: AgreementRegister | undefined;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** Connects the sharing and processor registers (see agreement-source.ts). */
  useAgreements(register: AgreementRegister): void {
    this.agreements = register;
  }

  /** Every flow that needs an agreement, by its cover today (one read of each register). */
  private async gaps(): Promise<Gaps | undefined> {
    if (!this.agreements) return undefined;
    const rows = await this.db
      .selectFrom("data_flows as f")
      .select(["f.id", "f.from_kind", "f.from_partner", "f.to_kind", "f.to_partner"])
      .where(NEEDS_COVER)
      .execute();
    const cover = await this.agreements.cover(
      rows.map((r) => ({ flowId: r.id, partnerNames: partnerNamesOf(r) })),
    );
    const gaps: Gaps = { notCovered: [], expired: [], covered: [] };
    rows.forEach((r, i) => {
      const status = statusOf(cover[i]);
      (status === "covered"
        ? gaps.covered
        : status === "expired"
          ? gaps.expired
          : gaps.notCovered
      ).push(r.id);
    });
    return gaps;
  }

  /** Adds each flow's cover from the registers, and the risks that follow from it. */
  private async withCoverage(flows: Flow[]): Promise<Flow[]> {
    if (!this.agreements || !flows.length) return flows;
    const cover = await this.agreements.cover(
      flows.map((f) => ({
        flowId: f.id,
        partnerNames: partnerNamesOf({
          from_kind: f.fromKind,
          from_partner: f.fromPartner,
          to_kind: f.toKind,
          to_partner: f.toPartner,
        }),
      })),
    );
    return flows.map((f, i) => {
      const coverage: FlowCoverage = {
        ...cover[i],
        status: f.personalData && (f.external || f.leavesUk) ? statusOf(cover[i]) : "not-needed",
      };
      const flow = { ...f, coverage };
      return { ...flow, risks: riskReasons(flow) };
    });
  }

  /** The agreements and contracts an IG officer may link a flow to. */
  async agreementChoices(): Promise<AgreementChoice[]> {
    return this.agreements ? this.agreements.choices() : [];
  }

  /**
   * Links the flow to a data-sharing agreement or processor contract chosen from the registers (or
   * removes the link). The register records the link and audits it, on the flow and on the agreement.
   */
  async linkAgreement(
    ctx: AuditContext,
    flowId: string,
    choice: { kind: AgreementKind; id: string },
    linked = true,
  ): Promise<void> {
    const flow = await this.read(flowId);
    if (!flow) throw new RegisterConflictError("No such data flow.");
    const known =
      this.agreements &&
      (await this.agreements.choices()).some((c) => c.kind === choice.kind && c.id === choice.id);
    if (!this.agreements || !known)
      throw new RegisterInputError([
        { field: "register", message: "Select an agreement or contract from the register" },
      ]);
    await this.agreements.link(ctx, { id: flow.id, reference: flow.reference }, choice, linked);
  }

  /**
   * The flows an agreement's page lists: those linked to it (ids from the register) and those with
   * its partner organisations, each with its cover.
   */
  async forAgreement(link: { flowIds: string[]; partnerNames: string[] }): Promise<Flow[]> {
    const ids = link.flowIds.filter((id) => UUID.test(id));
    const names = link.partnerNames.map((n) => n.trim().toLowerCase()).filter(Boolean);
    if (!ids.length && !names.length) return [];
    const rows = await this.select()
      .where(
        sql<boolean>`(f.id = ANY(${ids}::uuid[])
          OR (f.to_kind = 'partner' AND lower(trim(f.to_partner)) = ANY(${names}::text[]))
          OR (f.from_kind = 'partner' AND lower(trim(f.from_partner)) = ANY(${names}::text[])))`,
      )
      .orderBy(sql`lower(f.name)`)
      .limit(500)
      .execute();
    return this.withCoverage(rows.map((r) => this.present(r)));
  }

  /** The information-governance team and the DPO, or the owner of an asset at either end. */
  async canEdit(user: Principal | undefined, flow?: Flow): Promise<boolean> {
    if (!user) return false;
    if (hasRole(user, "ig-officer", "dpo")) return true;
    if (!flow || !user.roles.includes("asset-owner")) return false;
    const ids = [flow.fromAssetId, flow.toAssetId].filter((x): x is string => !!x);
    if (!ids.length) return false;
    const owned = await this.db
      .selectFrom("information_assets")
      .select("id")
      .where("id", "in", ids)
      .where("owner_id", "=", user.id)
      .executeTakeFirst();
    return !!owned;
  }

  canCreate(user: Principal | undefined): boolean {
    return hasRole(user, "ig-officer", "dpo", "asset-owner");
  }

  private select(db: DbOrTrx = this.db) {
    return db
      .selectFrom("data_flows as f")
      .leftJoin("information_assets as fa", "fa.id", "f.from_asset_id")
      .leftJoin("information_assets as ta", "ta.id", "f.to_asset_id")
      .leftJoin("service_areas as fs", "fs.id", "f.from_service_id")
      .leftJoin("service_areas as ts", "ts.id", "f.to_service_id")
      .selectAll("f")
      .select([
        "fa.reference as from_asset_reference",
        "fa.name as from_asset_name",
        "ta.reference as to_asset_reference",
        "ta.name as to_asset_name",
        "fs.name as from_service_name",
        "ts.name as to_service_name",
      ]);
  }

  private present(
    r: Awaited<ReturnType<ReturnType<FlowsService["select"]>["execute"]>>[number],
  ): Flow {
    const input = Object.fromEntries(
      FLOW_FIELDS.map((f) => [f.name, (r as Record<string, unknown>)[column(f.name)]]),
    ) as unknown as FlowInput;
    const label = (
      kind: string,
      ref: string | null,
      name: string | null,
      service: string | null,
      partner: string | null,
    ) =>
      kind === "asset" ? `${ref} ${name}` : kind === "service" ? (service ?? "") : (partner ?? "");
    const flow: Flow = {
      ...input,
      fromAssetReference: r.from_asset_reference,
      toAssetReference: r.to_asset_reference,
      fromServiceAreaId: r.from_service_area_id,
      toServiceAreaId: r.to_service_area_id,
      id: r.id,
      reference: r.reference,
      fromAssetId: r.from_asset_id,
      toAssetId: r.to_asset_id,
      fromLabel: label(
        r.from_kind,
        r.from_asset_reference,
        r.from_asset_name,
        r.from_service_name,
        r.from_partner,
      ),
      toLabel: label(
        r.to_kind,
        r.to_asset_reference,
        r.to_asset_name,
        r.to_service_name,
        r.to_partner,
      ),
      fromServiceId: r.from_service_id,
      toServiceId: r.to_service_id,
      fromServiceName: r.from_service_name,
      toServiceName: r.to_service_name,
      specialCategory: r.special_category,
      criminalOffence: r.criminal_offence,
      external: r.external,
      coverage: null,
      risks: [],
    };
    flow.risks = riskReasons(flow);
    return flow;
  }

  async list(filter: FlowFilter = {}) {
    const pageSize = Math.min(Math.max(filter.pageSize ?? 25, 1), 10_000);
    const page = Math.max(filter.page ?? 1, 1);
    const gaps =
      filter.noAgreement || filter.cover || filter.atRisk ? await this.gaps() : undefined;
    const where = whereAll(conditions(filter, gaps));
    const [rows, n] = await Promise.all([
      this.select()
        .where(where)
        .orderBy(sql`lower(f.name)`)
        .orderBy("f.id")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      this.db
        .selectFrom("data_flows as f")
        .where(where)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    const total = Number(n.n);
    return {
      items: await this.withCoverage(rows.map((r) => this.present(r))),
      total,
      page,
      pageSize,
      pages: Math.max(1, Math.ceil(total / pageSize)),
    };
  }

  /**
   * The map's links, aggregated in the database: one row per pair of endpoints with how many flows join
   * them. Past MAX_NODES endpoints, council assets are taken together as their service areas.
   */
  async mapLinks(filter: FlowFilter, maxNodes: number): Promise<MapData> {
    const gaps = await this.gaps();
    const where = whereAll(conditions(filter, gaps));
    const notCovered = gaps
      ? sql<boolean>`f.id = ANY(${gaps.notCovered}::uuid[])`
      : sql<boolean>`(${NEEDS_COVER} AND f.agreement IS NULL)`;
    const expired = gaps ? sql<boolean>`f.id = ANY(${gaps.expired}::uuid[])` : sql<boolean>`false`;
    const assetKey = (side: "from" | "to") =>
      sql.raw(`CASE f.${side}_kind WHEN 'partner' THEN 'partner:' || lower(f.${side}_partner)
        WHEN 'service' THEN 'service:' || coalesce(f.${side}_service_id::text, 'none')
        ELSE 'asset:' || f.${side}_asset_id::text END`);
    const serviceKey = (side: "from" | "to") =>
      sql.raw(`CASE f.${side}_kind WHEN 'partner' THEN 'partner:' || lower(f.${side}_partner)
        ELSE 'service:' || coalesce(f.${side}_service_id::text, 'none') END`);
    const { rows: counted } = await sql<{ n: string }>`
      SELECT count(DISTINCT k) AS n FROM (
        SELECT ${assetKey("from")} AS k FROM data_flows f WHERE ${where}
        UNION ALL SELECT ${assetKey("to")} FROM data_flows f WHERE ${where}) e`.execute(this.db);
    const grouped = Number(counted[0].n) > maxNodes;
    const key = grouped ? serviceKey : assetKey;
    const label = (side: "from" | "to") =>
      sql.raw(`CASE f.${side}_kind WHEN 'partner' THEN f.${side}_partner
        WHEN 'service' THEN coalesce(${side[0]}s.name, 'No service area')
        ELSE ${grouped ? `coalesce(${side[0]}s.name, 'No service area')` : `${side[0]}a.reference || ' ' || ${side[0]}a.name`} END`);
    const { rows } = await sql<{
      from_key: string;
      to_key: string;
      from_label: string;
      to_label: string;
      from_group: string | null;
      to_group: string | null;
      n: string;
      at_risk: string;
      not_covered: string;
      expired: string;
      special: boolean;
      personal: boolean;
      leaves_uk: boolean;
    }>`
      SELECT ${key("from")} AS from_key, ${key("to")} AS to_key,
        min(${label("from")}) AS from_label, min(${label("to")}) AS to_label,
        min(fs.name) AS from_group, min(ts.name) AS to_group,
        count(*) AS n, count(*) FILTER (WHERE ${atRiskSql(gaps)}) AS at_risk,
        count(*) FILTER (WHERE ${notCovered}) AS not_covered,
        count(*) FILTER (WHERE ${expired}) AS expired,
        bool_or(f.special_category OR f.criminal_offence) AS special,
        bool_or(f.personal_data) AS personal, bool_or(f.leaves_uk) AS leaves_uk
      FROM data_flows f
      LEFT JOIN information_assets fa ON fa.id = f.from_asset_id
      LEFT JOIN information_assets ta ON ta.id = f.to_asset_id
      LEFT JOIN service_areas fs ON fs.id = f.from_service_id
      LEFT JOIN service_areas ts ON ts.id = f.to_service_id
      WHERE ${where}
      GROUP BY 1, 2
      ORDER BY 1, 2
      LIMIT 5000`.execute(this.db);
    const members = new Map<string, number>();
    if (grouped) {
      const { rows: m } = await sql<{ k: string; n: string }>`
        SELECT k, count(DISTINCT a) AS n FROM (
          SELECT ${serviceKey("from")} AS k, f.from_asset_id AS a FROM data_flows f WHERE ${where} AND f.from_asset_id IS NOT NULL
          UNION ALL SELECT ${serviceKey("to")}, f.to_asset_id FROM data_flows f WHERE ${where} AND f.to_asset_id IS NOT NULL) e
        GROUP BY k`.execute(this.db);
      for (const r of m) members.set(r.k, Number(r.n));
    }
    const end = (k: string, labelText: string, group: string | null) => ({
      key: k,
      label: labelText,
      side: k.startsWith("partner:") ? ("partner" as const) : ("council" as const),
      group: k.startsWith("partner:") ? "Partners" : (group ?? "No service area"),
      href: k.startsWith("asset:") ? `/assets/${k.slice(6)}` : undefined,
    });
    return {
      grouped,
      members,
      links: rows.map((r) => ({
        from: end(r.from_key, r.from_label, r.from_group),
        to: end(r.to_key, r.to_label, r.to_group),
        count: Number(r.n),
        atRisk: Number(r.at_risk),
        notCovered: Number(r.not_covered),
        expired: Number(r.expired),
        special: r.special,
        personal: r.personal,
        leavesUk: r.leaves_uk,
      })),
    };
  }

  async forAsset(assetId: string): Promise<Flow[]> {
    return (await this.list({ assetId, pageSize: 500 })).items;
  }

  /** A flow with its cover from the registers (read outside any transaction). */
  async get(id: string): Promise<Flow | undefined> {
    const flow = await this.read(id);
    return flow ? (await this.withCoverage([flow]))[0] : undefined;
  }

  /** A flow as stored, without its cover: safe inside a transaction (it reads only through `db`). */
  private async read(id: string, db: DbOrTrx = this.db): Promise<Flow | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.select(db).where("f.id", "=", id).executeTakeFirst();
    return row ? this.present(row) : undefined;
  }

  parse(input: unknown): FlowInput {
    const parsed = schema.safeParse(input ?? {});
    if (!parsed.success) throw RegisterInputError.fromZod(parsed.error);
    return parsed.data as unknown as FlowInput;
  }

  private async resolve(db: DbOrTrx, v: FlowInput) {
    const problems: { field: string; message: string }[] = [];
    const end = async (side: "from" | "to") => {
      const kind = v[`${side}Kind`];
      const out = {
        asset_id: null as string | null,
        service_area_id: null as string | null,
        partner: null as string | null,
        service_id: null as string | null,
      };
      const where = side === "from" ? "comes from" : "goes to";
      if (kind === "asset") {
        const ref = v[`${side}AssetReference`];
        const field = `${side}AssetReference`;
        if (!ref) problems.push({ field, message: `Enter the reference of the asset it ${where}` });
        else {
          const a = await db
            .selectFrom("information_assets")
            .select(["id", "service_area_id"])
            .where(sql`lower(reference)`, "=", ref.toLowerCase())
            .executeTakeFirst();
          if (!a)
            problems.push({ field, message: `No asset in the register has the reference ${ref}` });
          else {
            out.asset_id = a.id;
            out.service_id = a.service_area_id;
          }
        }
      } else if (kind === "service") {
        const id = v[`${side}ServiceAreaId`];
        const field = `${side}ServiceAreaId`;
        const s = id
          ? await db
              .selectFrom("service_areas")
              .select("id")
              .where("id", "=", id)
              .executeTakeFirst()
          : undefined;
        if (!s) problems.push({ field, message: `Select the council service it ${where}` });
        else {
          out.service_area_id = s.id;
          out.service_id = s.id;
        }
      } else if (kind === "partner") {
        const name = v[`${side}Partner`];
        if (!name)
          problems.push({
            field: `${side}Partner`,
            message: `Enter the partner organisation it ${where}`,
          });
        out.partner = name;
      }
      return out;
    };
    const from = await end("from");
    const to = await end("to");
    if (!v.personalData && v.dataCategories.length)
      problems.push({
        field: "dataCategories",
        message: "Remove the categories of personal data, or say the flow includes personal data",
      });
    if (v.reference && !/^[\w./-]+$/.test(v.reference))
      problems.push({
        field: "reference",
        message: "Reference must only include letters, numbers, dots, hyphens and underscores",
      });
    if (problems.length) throw new RegisterInputError(problems);
    const { specialCategory, criminalOffence } = sensitivity(v.dataCategories);
    const row: Record<string, unknown> = {};
    for (const f of FLOW_FIELDS) {
      if (
        /^(from|to)(AssetReference|ServiceAreaId|Partner)$/.test(f.name) ||
        f.name === "reference"
      )
        continue;
      row[column(f.name)] = v[f.name as keyof FlowInput];
    }
    return {
      ...(row as Omit<Insertable<DataFlowsTable>, "id" | "reference">),
      from_asset_id: from.asset_id,
      from_service_area_id: from.service_area_id,
      from_partner: from.partner,
      from_service_id: from.service_id,
      to_asset_id: to.asset_id,
      to_service_area_id: to.service_area_id,
      to_partner: to.partner,
      to_service_id: to.service_id,
      special_category: specialCategory,
      criminal_offence: criminalOffence,
      external: v.fromKind === "partner" || v.toKind === "partner",
    };
  }

  private async assertReferenceFree(db: DbOrTrx, reference: string, exceptId?: string) {
    let q = db
      .selectFrom("data_flows")
      .select("id")
      .where(sql`lower(reference)`, "=", reference.toLowerCase());
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (await q.executeTakeFirst())
      throw new RegisterInputError([
        { field: "reference", message: `A data flow with reference ${reference} already exists` },
      ]);
  }

  private async nextReference(db: DbOrTrx): Promise<string> {
    for (;;) {
      const { rows } = await sql<{ n: string }>`SELECT nextval('data_flow_number') AS n`.execute(
        db,
      );
      const reference = `DF-${String(rows[0].n).padStart(4, "0")}`;
      const taken = await db
        .selectFrom("data_flows")
        .select("id")
        .where(sql`lower(reference)`, "=", reference.toLowerCase())
        .executeTakeFirst();
      if (!taken) return reference;
    }
  }

  async create(ctx: AuditContext, input: unknown): Promise<Flow> {
    const value = this.parse(input);
    const created = await this.db.transaction().execute(async (trx) => {
      if (value.reference) await this.assertReferenceFree(trx, value.reference);
      const row = await this.resolve(trx, value);
      const reference = value.reference ?? (await this.nextReference(trx));
      const { id } = await trx
        .insertInto("data_flows")
        .values({ ...row, reference })
        .returning("id")
        .executeTakeFirstOrThrow();
      const flow = (await this.read(id, trx)) as Flow;
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "data-flow",
          entityId: id,
          summary: `Data flow ${reference} added: ${flow.fromLabel} to ${flow.toLabel}`,
          changes: { ...value, reference },
        },
        trx,
      );
      return flow;
    });
    return (await this.withCoverage([created]))[0];
  }

  async update(ctx: AuditContext, id: string, input: unknown): Promise<Flow> {
    const value = this.parse(input);
    const updated = await this.db.transaction().execute(async (trx) => {
      const before = await this.read(id, trx);
      if (!before) throw new RegisterConflictError("No such data flow.");
      const reference = value.reference ?? before.reference;
      if (reference.toLowerCase() !== before.reference.toLowerCase())
        await this.assertReferenceFree(trx, reference, id);
      const row = await this.resolve(trx, value);
      await trx
        .updateTable("data_flows")
        .set({ ...row, reference, updated_at: new Date() })
        .where("id", "=", id)
        .execute();
      const after = (await this.read(id, trx)) as Flow;
      const pick = (f: FlowInput) =>
        Object.fromEntries(FLOW_FIELDS.map((d) => [d.name, f[d.name as keyof FlowInput]]));
      const changes = diff(pick(before), pick(after));
      if (Object.keys(changes).length)
        await this.audit.record(
          ctx,
          {
            action: "update",
            entityType: "data-flow",
            entityId: id,
            summary: `Data flow ${reference} changed`,
            changes,
          },
          trx,
        );
      return after;
    });
    return (await this.withCoverage([updated]))[0];
  }

  async patch(ctx: AuditContext, id: string, fields: Record<string, unknown>) {
    const before = await this.get(id);
    if (!before) throw new RegisterConflictError("No such data flow.");
    const merged = Object.fromEntries(
      FLOW_FIELDS.map((f) => [f.name, before[f.name as keyof FlowInput]]),
    );
    return this.update(ctx, id, { ...merged, ...fields });
  }

  async remove(ctx: AuditContext, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.read(id, trx);
      if (!before) throw new RegisterConflictError("No such data flow.");
      await trx.deleteFrom("data_flows").where("id", "=", id).execute();
      await this.audit.record(
        ctx,
        {
          action: "delete",
          entityType: "data-flow",
          entityId: id,
          summary: `Data flow ${before.reference} removed: ${before.fromLabel} to ${before.toLabel}`,
        },
        trx,
      );
    });
  }
}
