import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import type { Services } from "../../../platform/services.ts";
import { ASSET_FIELDS, type AssetInput } from "../asset-fields.ts";
import { type Asset, parseAsset } from "../assets-service.ts";
import { RegisterInputError } from "../errors.ts";
import { display, type FieldDef } from "../fields.ts";
import { SPECIAL_CATEGORY_VALUES } from "../vocabularies.ts";
import { normalise, proposeMapping, SPECIAL_CATEGORY_COLUMN } from "./headings.ts";
import { columnName, type Table } from "./read.ts";
import { readDate, readTerm, readTerms, readYesNo } from "./values.ts";
import { type Sheet, toCsv, toXlsx } from "./write.ts";

export { normalise, proposeMapping };

export const RISK_HEADINGS = [
  "Asset reference",
  "Risk",
  "Likelihood",
  "Impact",
  "Mitigation",
  "Risk owner",
];

// Export ------------------------------------------------------------------------------------------

/** The whole register as sheets: one row per asset with every field; risks on a second sheet. */
export async function registerSheets(services: Services): Promise<{ assets: Sheet; risks: Sheet }> {
  const all = await services.assets.all();
  const users = Object.fromEntries((await services.users.list()).map((u) => [u.id, u.email]));
  const areas = Object.fromEntries(
    (await services.organisation.serviceAreas()).map((a) => [a.id, a.name]),
  );
  const rows = all.map((a) =>
    ASSET_FIELDS.map((f) => {
      if (f.name === "ownerId" && !a.ownerId) return a.ownerPending ?? "";
      if (f.name === "administratorId" && !a.administratorId) return a.administratorPending ?? "";
      return display(f, a[f.name as keyof AssetInput], { users, serviceAreas: areas });
    }),
  );
  const risks = await services.assets.allRisks();
  const byId = new Map(all.map((a) => [a.id, a.reference]));
  return {
    assets: { name: "Information assets", headings: ASSET_FIELDS.map((f) => f.label), rows },
    risks: {
      name: "Risks",
      headings: RISK_HEADINGS,
      rows: risks.map((r) => [
        byId.get(r.assetId) ?? "",
        r.description,
        String(r.likelihood),
        String(r.impact),
        r.mitigation ?? "",
        r.ownerId ? (users[r.ownerId] ?? "") : (r.ownerLabel ?? ""),
      ]),
    },
  };
}

export async function registerXlsx(services: Services): Promise<Buffer> {
  const { assets, risks } = await registerSheets(services);
  return toXlsx([assets, risks], `Information asset register, ${services.config.COUNCIL_NAME}`);
}

export async function registerCsv(services: Services): Promise<string> {
  return toCsv((await registerSheets(services)).assets);
}

// Checking the rows --------------------------------------------------------------------------------

export interface Lookups {
  usersByEmail: Map<string, string>;
  usersByName: Map<string, string[]>;
  serviceAreas: Map<string, string>;
  existingReferences: Set<string>;
  /** Assets already in the register, by lower-case reference: a row with one of these updates it. */
  existing: Map<string, Asset>;
  /** Assets already in the register, by normalised name (to warn of a second asset with a name). */
  existingNames: Map<string, string>;
  /** Descriptions of each existing asset's risks, lower case: the same risk is not added twice. */
  existingRisks: Map<string, Set<string>>;
  /** Names for showing what an update changes. */
  names: { users: Record<string, string>; serviceAreas: Record<string, string> };
}

export async function loadLookups(services: Services): Promise<Lookups> {
  const [users, areas, assets, risks] = await Promise.all([
    services.users.list(),
    services.organisation.serviceAreas(),
    services.assets.all(),
    services.assets.allRisks(),
  ]);
  const usersByName = new Map<string, string[]>();
  for (const u of users.filter((x) => !x.disabled)) {
    const key = normalise(u.displayName);
    usersByName.set(key, [...(usersByName.get(key) ?? []), u.id]);
  }
  const existingRisks = new Map<string, Set<string>>();
  for (const r of risks) {
    const set = existingRisks.get(r.assetId) ?? new Set<string>();
    set.add(r.description.trim().toLowerCase());
    existingRisks.set(r.assetId, set);
  }
  return {
    usersByEmail: new Map(
      users.filter((u) => !u.disabled).map((u) => [u.email.toLowerCase(), u.id]),
    ),
    usersByName,
    serviceAreas: new Map(areas.map((a) => [areaKey(a.name), a.id])),
    existingReferences: new Set(assets.map((a) => a.reference.toLowerCase())),
    existing: new Map(assets.map((a) => [a.reference.toLowerCase(), a])),
    existingNames: new Map(assets.map((a) => [normalise(a.name), a.reference])),
    existingRisks,
    names: {
      users: Object.fromEntries(users.map((u) => [u.id, u.email])),
      serviceAreas: Object.fromEntries(areas.map((a) => [a.id, a.name])),
    },
  };
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface PreparedRow {
  /** The row's number in the sheet. */
  row: number;
  name: string;
  input: AssetInput | null;
  ownerPending: string | null;
  administratorPending: string | null;
  /** The asset this row updates (its reference is already in the register), or null for a new asset. */
  existingId: string | null;
  reference: string | null;
  action: "create" | "update" | "unchanged";
  /** For an update: each field that changes, as people read it. */
  changes: FieldChange[];
  /** A service area named in the sheet that is to be added to the council's list. */
  newServiceArea: string | null;
  problems: string[];
  warnings: string[];
}

export interface PreparedRisk {
  row: number;
  reference: string;
  description: string;
  likelihood: number;
  impact: number;
  mitigation: string | null;
  ownerId: string | null;
  ownerName: string | null;
  /** The asset already has this risk: it is not added again. */
  existing: boolean;
  problems: string[];
}

/** What to do with a service area the council does not have: add it, use an existing one, or leave blank. */
export type ServiceAreaChoice = "create" | "blank" | string;

export interface Prepared {
  rows: PreparedRow[];
  risks: PreparedRisk[];
  unknownOwners: { name: string; rows: number[] }[];
  unknownServiceAreas: { name: string; rows: number[]; choice: ServiceAreaChoice }[];
  problemCount: number;
  rowsWithProblems: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** "Revenues & Benefits" and "revenues and benefits" are the same service area. */
function areaKey(name: string): string {
  return normalise(name.replace(/&/g, " and "));
}

function resolveUser(l: Lookups, cell: string): string | undefined {
  const v = cell.trim();
  if (!v) return undefined;
  const byEmail = l.usersByEmail.get(v.toLowerCase());
  if (byEmail) return byEmail;
  // "Jo Bloggs (jo.bloggs@council.gov.uk)", "Head of Revenues - jo.bloggs@…": the email in it.
  const email = /[\w.+'-]+@[\w-]+(\.[\w-]+)+/.exec(v)?.[0];
  if (email) {
    const id = l.usersByEmail.get(email.toLowerCase());
    if (id) return id;
  }
  const byName = l.usersByName.get(normalise(v));
  return byName?.length === 1 ? byName[0] : undefined;
}

/** Fields a blank cell leaves as they are when a row updates an asset (they always have a value). */
const KEEP_WHEN_BLANK = new Set([
  "reference",
  "name",
  "assetType",
  "format",
  "marking",
  "holdsPersonalData",
  "reviewDue",
]);

function emptyValue(f: FieldDef): unknown {
  if (f.kind === "checkboxes") return [];
  if (f.kind === "yesno") return false;
  return null;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (a ?? null) === (b ?? null);
}

/**
 * Turns each row of the sheet into an asset, through the same validation as the form and the API, and
 * says everything wrong with every row, naming its column. A row whose reference is already in the
 * register updates that asset (the columns the sheet has; the rest are kept). Owners with no account are
 * kept as names and listed; service areas the council does not have are added unless `serviceAreas` says
 * to use an existing one or leave them blank.
 */
export function prepareImport(
  table: Table,
  mapping: Record<string, string>,
  lookups: Lookups,
  risksTable?: Table,
  options: { serviceAreas?: Record<string, ServiceAreaChoice> } = {},
): Prepared {
  const columns = table.headings
    .map((h, i) => ({
      index: i,
      heading: h,
      letter: table.columns?.[i] ?? columnName(i + 1),
      field:
        mapping[h] === SPECIAL_CATEGORY_COLUMN.name
          ? ({ name: SPECIAL_CATEGORY_COLUMN.name, label: "", kind: "text" } as FieldDef)
          : ASSET_FIELDS.find((f) => f.name === mapping[h]),
    }))
    .filter(
      (c): c is { index: number; heading: string; letter: string; field: FieldDef } => !!c.field,
    );
  const columnOf = new Map(columns.map((c) => [c.field.name, c]));
  const where = (c: { heading: string; letter: string }) =>
    `Column ${c.letter} “${c.heading.replace(/\s+/g, " ")}”`;
  const unknownOwners = new Map<string, number[]>();
  const unknownAreas = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const rows: PreparedRow[] = table.rows.map((cells, i) => {
    const rowNumber = table.rowNumbers?.[i] ?? i + 2;
    const problems: string[] = [];
    const warnings: string[] = [];
    const raw: Record<string, unknown> = {};
    const given = new Set<string>();
    let ownerPending: string | null = null;
    let administratorPending: string | null = null;
    let newServiceArea: string | null = null;
    let specialSaid: boolean | undefined;
    let specialKinds: string[] = [];
    // The reference first: it says whether the row is new or updates an asset.
    const refColumn = columnOf.get("reference");
    const refCell = refColumn ? (cells[refColumn.index] ?? "").trim() : "";
    const existing = refCell ? lookups.existing.get(refCell.toLowerCase()) : undefined;
    if (existing) for (const f of ASSET_FIELDS) raw[f.name] = existing[f.name as keyof AssetInput];
    if (existing) {
      ownerPending = existing.ownerPending;
      administratorPending = existing.administratorPending;
    }
    for (const column of columns) {
      const { index, field } = column;
      const cell = (cells[index] ?? "").trim();
      if (!cell) {
        if (
          existing &&
          !KEEP_WHEN_BLANK.has(field.name) &&
          field.name !== SPECIAL_CATEGORY_COLUMN.name
        ) {
          raw[field.name] = emptyValue(field);
          if (field.name === "ownerId") ownerPending = null;
          if (field.name === "administratorId") administratorPending = null;
        }
        continue;
      }
      given.add(field.name);
      const at = where(column);
      if (field.name === SPECIAL_CATEGORY_COLUMN.name) {
        const yn = readYesNo(cell);
        if (yn.value !== undefined) specialSaid = yn.value;
        const kinds = readTerms(
          ASSET_FIELDS.find((f) => f.name === "personalDataCategories") as FieldDef,
          cell.replace(/^(yes|y)\b[\s:–-]*/i, ""),
        );
        const special = kinds.values.filter((v) => SPECIAL_CATEGORY_VALUES.includes(v));
        if (special.length) {
          specialSaid = true;
          specialKinds = special;
          warnings.push(...kinds.notes.map((n) => `${at}: ${n}`));
        } else if (yn.value === undefined)
          problems.push(
            `${at}: “${cell}” should be Yes or No, or name the kinds of special category data`,
          );
        continue;
      }
      switch (field.kind) {
        case "select": {
          const r = readTerm(field, cell);
          if (r.value) {
            raw[field.name] = r.value;
            if (r.note) warnings.push(`${at}: ${r.note}`);
          } else
            problems.push(
              `${at}: “${cell}” is not one Steward knows (${(field.options ?? []).map((o) => o.label).join(", ")})`,
            );
          break;
        }
        case "checkboxes": {
          const r = readTerms(field, cell);
          for (const u of r.unknown) problems.push(`${at}: “${u}” is not one Steward knows`);
          warnings.push(...r.notes.map((n) => `${at}: ${n}`));
          raw[field.name] = r.values;
          break;
        }
        case "yesno": {
          const r = readYesNo(cell);
          if (r.value === undefined) problems.push(`${at}: “${cell}” should be Yes or No`);
          else {
            raw[field.name] = r.value;
            if (r.note) warnings.push(`${at}: ${r.note}`);
            if (field.name === "holdsPersonalData" && r.value && /special|sensitive/i.test(cell))
              specialSaid = true;
          }
          break;
        }
        case "date": {
          const r = readDate(cell);
          if (!r.value)
            problems.push(`${at}: “${cell}” is not a date (use 31/03/2026 or 2026-03-31)`);
          else {
            raw[field.name] = r.value;
            if (r.note) warnings.push(`${at}: ${r.note}`);
          }
          break;
        }
        case "user": {
          const id = resolveUser(lookups, cell);
          if (id) {
            raw[field.name] = id;
            if (field.name === "ownerId") ownerPending = null;
            else administratorPending = null;
          } else {
            raw[field.name] = null;
            if (field.name === "ownerId") {
              ownerPending = cell;
              unknownOwners.set(cell, [...(unknownOwners.get(cell) ?? []), rowNumber]);
            } else administratorPending = cell;
            warnings.push(
              `${field.label} “${cell}” has no account: kept as a name until they have one`,
            );
          }
          break;
        }
        case "serviceArea": {
          const id = lookups.serviceAreas.get(areaKey(cell));
          if (id) raw[field.name] = id;
          else {
            unknownAreas.set(cell, [...(unknownAreas.get(cell) ?? []), rowNumber]);
            const choice = options.serviceAreas?.[cell] ?? "create";
            if (choice === "create") {
              raw[field.name] = null;
              newServiceArea = cell;
            } else if (choice !== "blank" && lookups.names.serviceAreas[choice])
              raw[field.name] = choice;
            else raw[field.name] = null;
          }
          break;
        }
        default:
          raw[field.name] = cell;
      }
    }
    if (specialKinds.length)
      raw.personalDataCategories = [
        ...new Set([
          ...((raw.personalDataCategories as string[] | undefined) ?? []),
          ...specialKinds,
        ]),
      ];
    // A sheet without these columns still describes real assets: fill the safe defaults.
    raw.assetType ??= "other";
    raw.format ??= "electronic";
    raw.marking ??= "official";
    if (specialSaid && !given.has("holdsPersonalData") && !existing) raw.holdsPersonalData = true;
    if (raw.holdsPersonalData === undefined)
      raw.holdsPersonalData =
        Array.isArray(raw.personalDataCategories) && raw.personalDataCategories.length > 0;
    if (
      specialSaid &&
      !(raw.personalDataCategories as string[] | undefined)?.some((c) =>
        SPECIAL_CATEGORY_VALUES.includes(c),
      )
    )
      warnings.push(
        "The sheet says the asset holds special category data but not which kinds: choose them in Steward after the import",
      );
    if (existing) raw.reference = existing.reference;
    const reference = typeof raw.reference === "string" ? raw.reference.toLowerCase() : "";
    if (reference) {
      const earlier = seen.get(reference);
      if (earlier) problems.push(`Reference ${raw.reference} is also used on row ${earlier}`);
      else seen.set(reference, rowNumber);
    } else if (typeof raw.name === "string") {
      const same = lookups.existingNames.get(normalise(raw.name));
      if (same)
        warnings.push(
          `An asset with this name is already in the register (${same}): this row adds another. Give the reference to update it instead`,
        );
    }
    let input: AssetInput | null = null;
    try {
      input = parseAsset(raw);
    } catch (err) {
      if (!(err instanceof RegisterInputError)) throw err;
      for (const p of err.problems) {
        const c = columnOf.get(p.field);
        problems.push(c ? `${where(c)}: ${p.message}` : p.message);
      }
    }
    const changes: FieldChange[] = [];
    if (existing && input) {
      const names = lookups.names;
      for (const f of ASSET_FIELDS) {
        const before = existing[f.name as keyof AssetInput];
        const after = input[f.name as keyof AssetInput];
        if (!same(before, after))
          changes.push({
            field: f.label,
            from: display(f, before, names),
            to: display(f, after, names),
          });
      }
      if ((existing.ownerPending ?? null) !== (input.ownerId ? null : ownerPending))
        changes.push({
          field: "Owner with no account",
          from: existing.ownerPending ?? "",
          to: input.ownerId ? "" : (ownerPending ?? ""),
        });
      if (newServiceArea)
        changes.push({
          field: "Service area",
          from: existing.serviceAreaName ?? "",
          to: `${newServiceArea} (new)`,
        });
    }
    return {
      row: rowNumber,
      name: typeof raw.name === "string" ? raw.name : "",
      input: problems.length ? null : input,
      ownerPending: input?.ownerId ? null : ownerPending,
      administratorPending: input?.administratorId ? null : administratorPending,
      existingId: existing?.id ?? null,
      reference: existing?.reference ?? (typeof raw.reference === "string" ? raw.reference : null),
      action: !existing ? "create" : changes.length ? "update" : "unchanged",
      changes,
      newServiceArea,
      problems,
      warnings,
    };
  });

  const risks: PreparedRisk[] = [];
  if (risksTable) {
    const col = (name: string) =>
      risksTable.headings.findIndex((h) => normalise(h) === normalise(name));
    const [ref, desc, lik, imp, mit, own] = RISK_HEADINGS.map(col);
    const known = new Map(rows.map((r) => [(r.reference ?? "").toLowerCase(), r]));
    risksTable.rows.forEach((cells, i) => {
      const problems: string[] = [];
      const reference = (cells[ref] ?? "").trim();
      const likelihood = Number(cells[lik]);
      const impact = Number(cells[imp]);
      const asset = reference ? known.get(reference.toLowerCase()) : undefined;
      if (!asset)
        problems.push(
          `Risk for ${reference || "no asset"}: no asset with that reference in the sheet`,
        );
      const description = (cells[desc] ?? "").trim();
      if (!description) problems.push("Risk with no description");
      if (!Number.isInteger(likelihood) || likelihood < 1 || likelihood > 5)
        problems.push("Likelihood must be a whole number from 1 to 5");
      if (!Number.isInteger(impact) || impact < 1 || impact > 5)
        problems.push("Impact must be a whole number from 1 to 5");
      const ownerCell = (cells[own] ?? "").trim();
      const ownerId = ownerCell ? (resolveUser(lookups, ownerCell) ?? null) : null;
      risks.push({
        row: risksTable.rowNumbers?.[i] ?? i + 2,
        reference,
        description,
        likelihood,
        impact,
        mitigation: (cells[mit] ?? "").trim() || null,
        ownerId,
        ownerName: ownerId ? null : ownerCell || null,
        existing:
          !!asset?.existingId &&
          !!lookups.existingRisks.get(asset.existingId)?.has(description.toLowerCase()),
        problems,
      });
    });
  }
  const rowsWithProblems = rows.filter((r) => r.problems.length).length;
  return {
    rows,
    risks,
    unknownOwners: [...unknownOwners].map(([name, r]) => ({ name, rows: r })),
    unknownServiceAreas: [...unknownAreas].map(([name, r]) => ({
      name,
      rows: r,
      choice: options.serviceAreas?.[name] ?? "create",
    })),
    problemCount:
      rows.reduce((n, r) => n + r.problems.length, 0) +
      risks.reduce((n, r) => n + r.problems.length, 0),
    rowsWithProblems: rowsWithProblems + risks.filter((r) => r.problems.length).length,
    created: rows.filter((r) => r.action === "create").length,
    updated: rows.filter((r) => r.action === "update").length,
    unchanged: rows.filter((r) => r.action === "unchanged").length,
  };
}

/**
 * Applies a checked import in one transaction: adds the service areas it needs, adds the new assets,
 * updates the changed ones (each change audited as any other), and adds the risks. All or nothing.
 */
export async function applyImport(
  services: Services,
  ctx: AuditContext,
  prepared: Prepared,
  meta: { filename: string },
) {
  if (prepared.problemCount) throw new Error("An import with problems cannot be applied.");
  return services.assets.importAssets(
    ctx,
    prepared.rows
      .filter((r) => r.action !== "unchanged")
      .map((r) => ({
        input: r.input as AssetInput,
        ownerPending: r.ownerPending,
        administratorPending: r.administratorPending,
        existingId: r.existingId,
        newServiceArea: r.newServiceArea,
      })),
    prepared.risks.filter((r) => !r.existing),
    {
      ...meta,
      unchanged: prepared.rows
        .filter((r) => r.action === "unchanged")
        .map((r) => ({ reference: r.reference as string, id: r.existingId as string })),
      addServiceArea: (name, trx) =>
        services.organisation.addServiceArea(
          ctx,
          { name, directorate: null, headOfService: null },
          trx,
        ),
    },
  );
}
