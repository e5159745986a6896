import type { Services } from "../../../platform/services.ts";
import { ASSET_FIELDS, type AssetInput } from "../asset-fields.ts";
import { parseAsset } from "../assets-service.ts";
import { RegisterInputError } from "../errors.ts";
import { display, type FieldDef, isRealDate, yesNo } from "../fields.ts";
import type { Table } from "./read.ts";
import { type Sheet, toCsv, toXlsx } from "./write.ts";

export const RISK_HEADINGS = [
  "Asset reference",
  "Risk",
  "Likelihood",
  "Impact",
  "Mitigation",
  "Risk owner",
];

/** Letters and digits only, lower case: "Contains personal data (Y/N)" → "containspersonaldatayn". */
export function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, "");
}

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

// Mapping -----------------------------------------------------------------------------------------

/** For each heading of the sheet, the field it most likely means ("" for none); each field used once. */
export function proposeMapping(headings: string[]): Record<string, string> {
  const used = new Set<string>();
  const mapping: Record<string, string> = {};
  const candidates = (f: FieldDef) => [f.label, f.name, ...(f.headings ?? [])].map(normalise);
  // Exact wording first, then a heading that contains a known wording.
  for (const pass of ["exact", "contains"] as const) {
    for (const h of headings) {
      if (mapping[h]) continue;
      const n = normalise(h);
      const field = ASSET_FIELDS.find(
        (f) =>
          !used.has(f.name) &&
          candidates(f).some((c) => (pass === "exact" ? c === n : c.length >= 5 && n.includes(c))),
      );
      if (field) {
        mapping[h] = field.name;
        used.add(field.name);
      }
    }
  }
  for (const h of headings) mapping[h] ??= "";
  return mapping;
}

// Validation --------------------------------------------------------------------------------------

export interface Lookups {
  usersByEmail: Map<string, string>;
  usersByName: Map<string, string[]>;
  serviceAreas: Map<string, string>;
  existingReferences: Set<string>;
}

export async function loadLookups(services: Services): Promise<Lookups> {
  const [users, areas, references] = await Promise.all([
    services.users.list(),
    services.organisation.serviceAreas(),
    services.assets.references(),
  ]);
  const usersByName = new Map<string, string[]>();
  for (const u of users.filter((x) => !x.disabled)) {
    const key = normalise(u.displayName);
    usersByName.set(key, [...(usersByName.get(key) ?? []), u.id]);
  }
  return {
    usersByEmail: new Map(
      users.filter((u) => !u.disabled).map((u) => [u.email.toLowerCase(), u.id]),
    ),
    usersByName,
    serviceAreas: new Map(areas.map((a) => [normalise(a.name), a.id])),
    existingReferences: new Set(references.map((r) => r.toLowerCase())),
  };
}

export interface PreparedRow {
  /** The row's number in the sheet, counting the headings as row 1. */
  row: number;
  name: string;
  input: AssetInput | null;
  ownerPending: string | null;
  administratorPending: string | null;
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
  problems: string[];
}

export interface Prepared {
  rows: PreparedRow[];
  risks: PreparedRisk[];
  unknownOwners: { name: string; rows: number[] }[];
  unknownServiceAreas: { name: string; rows: number[] }[];
  problemCount: number;
  rowsWithProblems: number;
}

function matchTerm(f: FieldDef, cell: string): string | undefined {
  const n = normalise(cell);
  if (!n) return undefined;
  return f.options?.find(
    (o) =>
      normalise(o.value) === n ||
      normalise(o.label) === n ||
      normalise(o.label.replace(/^\([a-z]\)\s*/, "")) === n,
  )?.value;
}

/** A UK date (31/03/2026), an ISO date, or an Excel date already read as ISO. */
function toIsoDate(cell: string): string | undefined {
  const v = cell.trim();
  if (isRealDate(v)) return v;
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (uk) {
    const iso = `${uk[3]}-${uk[2].padStart(2, "0")}-${uk[1].padStart(2, "0")}`;
    if (isRealDate(iso)) return iso;
  }
  return undefined;
}

function resolveUser(l: Lookups, cell: string): string | undefined {
  const v = cell.trim();
  if (!v) return undefined;
  const byEmail = l.usersByEmail.get(v.toLowerCase());
  if (byEmail) return byEmail;
  const byName = l.usersByName.get(normalise(v));
  return byName?.length === 1 ? byName[0] : undefined;
}

/**
 * Turns each row of the sheet into an asset, through the same validation as the form and the API,
 * and says everything wrong with every row. Owners with no account are kept as names and listed.
 */
export function prepareImport(
  table: Table,
  mapping: Record<string, string>,
  lookups: Lookups,
  risksTable?: Table,
): Prepared {
  const columns = table.headings
    .map((h, i) => ({ index: i, field: ASSET_FIELDS.find((f) => f.name === mapping[h]) }))
    .filter((c): c is { index: number; field: FieldDef } => !!c.field);
  const unknownOwners = new Map<string, number[]>();
  const unknownAreas = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const rows: PreparedRow[] = table.rows.map((cells, i) => {
    const rowNumber = i + 2;
    const problems: string[] = [];
    const warnings: string[] = [];
    const raw: Record<string, unknown> = {};
    let ownerPending: string | null = null;
    let administratorPending: string | null = null;
    for (const { index, field } of columns) {
      const cell = (cells[index] ?? "").trim();
      if (!cell) continue;
      switch (field.kind) {
        case "select": {
          const v = matchTerm(field, cell);
          if (v) raw[field.name] = v;
          else
            problems.push(
              `${field.label}: “${cell}” is not one Steward knows (${(field.options ?? []).map((o) => o.label).join(", ")})`,
            );
          break;
        }
        case "checkboxes": {
          const values: string[] = [];
          for (const part of cell
            .split(/[;\n]+/)
            .flatMap((p) => (p.includes(",") && !matchTerm(field, p) ? p.split(",") : [p]))) {
            if (!part.trim()) continue;
            const v = matchTerm(field, part);
            if (v) values.push(v);
            else problems.push(`${field.label}: “${part.trim()}” is not one Steward knows`);
          }
          raw[field.name] = values;
          break;
        }
        case "yesno": {
          const v = yesNo(cell);
          if (v === undefined) problems.push(`${field.label}: “${cell}” should be Yes or No`);
          else raw[field.name] = v;
          break;
        }
        case "date": {
          const v = toIsoDate(cell);
          if (!v)
            problems.push(`${field.label}: “${cell}” is not a date (use 31/03/2026 or 2026-03-31)`);
          else raw[field.name] = v;
          break;
        }
        case "user": {
          const id = resolveUser(lookups, cell);
          if (id) raw[field.name] = id;
          else {
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
          const id = lookups.serviceAreas.get(normalise(cell));
          if (id) raw[field.name] = id;
          else {
            problems.push(`Service area “${cell}” is not one of the council's service areas`);
            unknownAreas.set(cell, [...(unknownAreas.get(cell) ?? []), rowNumber]);
          }
          break;
        }
        default:
          raw[field.name] = cell;
      }
    }
    // A sheet without these columns still describes real assets: fill the safe defaults.
    raw.assetType ??= "other";
    raw.format ??= "electronic";
    raw.marking ??= "official";
    if (raw.holdsPersonalData === undefined)
      raw.holdsPersonalData =
        Array.isArray(raw.personalDataCategories) && raw.personalDataCategories.length > 0;
    const reference = typeof raw.reference === "string" ? raw.reference.toLowerCase() : "";
    if (reference) {
      if (lookups.existingReferences.has(reference))
        problems.push(`Reference ${raw.reference} is already in the register`);
      const earlier = seen.get(reference);
      if (earlier) problems.push(`Reference ${raw.reference} is also used on row ${earlier}`);
      else seen.set(reference, rowNumber);
    }
    let input: AssetInput | null = null;
    try {
      input = parseAsset(raw);
    } catch (err) {
      if (!(err instanceof RegisterInputError)) throw err;
      for (const p of err.problems) problems.push(p.message);
    }
    return {
      row: rowNumber,
      name: typeof raw.name === "string" ? raw.name : "",
      input: problems.length ? null : input,
      ownerPending,
      administratorPending,
      problems,
      warnings,
    };
  });

  const risks: PreparedRisk[] = [];
  if (risksTable) {
    const col = (name: string) =>
      risksTable.headings.findIndex((h) => normalise(h) === normalise(name));
    const [ref, desc, lik, imp, mit, own] = RISK_HEADINGS.map(col);
    const known = new Set([...seen.keys()]);
    risksTable.rows.forEach((cells, i) => {
      const problems: string[] = [];
      const reference = (cells[ref] ?? "").trim();
      const likelihood = Number(cells[lik]);
      const impact = Number(cells[imp]);
      if (!known.has(reference.toLowerCase()))
        problems.push(
          `Risk for ${reference || "no asset"}: no asset with that reference in the sheet`,
        );
      if (!(cells[desc] ?? "").trim()) problems.push("Risk with no description");
      if (!Number.isInteger(likelihood) || likelihood < 1 || likelihood > 5)
        problems.push("Likelihood must be a whole number from 1 to 5");
      if (!Number.isInteger(impact) || impact < 1 || impact > 5)
        problems.push("Impact must be a whole number from 1 to 5");
      const ownerCell = (cells[own] ?? "").trim();
      const ownerId = ownerCell ? (resolveUser(lookups, ownerCell) ?? null) : null;
      risks.push({
        row: i + 2,
        reference,
        description: (cells[desc] ?? "").trim(),
        likelihood,
        impact,
        mitigation: (cells[mit] ?? "").trim() || null,
        ownerId,
        ownerName: ownerId ? null : ownerCell || null,
        problems,
      });
    });
  }
  const rowsWithProblems = rows.filter((r) => r.problems.length).length;
  return {
    rows,
    risks,
    unknownOwners: [...unknownOwners].map(([name, r]) => ({ name, rows: r })),
    unknownServiceAreas: [...unknownAreas].map(([name, r]) => ({ name, rows: r })),
    problemCount:
      rows.reduce((n, r) => n + r.problems.length, 0) +
      risks.reduce((n, r) => n + r.problems.length, 0),
    rowsWithProblems: rowsWithProblems + risks.filter((r) => r.problems.length).length,
  };
}
