import { z } from "zod";
import { UUID } from "../../platform/db/ids.ts";
import { asArray } from "../../platform/web/forms.ts";
import type { Term } from "./vocabularies.ts";

/**
 * A register's fields, declared once: the same list drives the form, the detail page, the API's JSON
 * schema, the zod validation that every way in (form, API, spreadsheet) goes through, and the headings
 * of the spreadsheet export and import.
 */
export type FieldKind =
  | "text"
  | "textarea"
  | "select"
  | "checkboxes"
  | "yesno"
  | "date"
  | "user"
  | "serviceArea";

export interface FieldDef {
  /** Name in forms, the API and services (camelCase); the column is its snake_case. */
  name: string;
  label: string;
  hint?: string;
  kind: FieldKind;
  options?: readonly Term[];
  required?: boolean;
  /** The message when a required field is missing. */
  missing?: string;
  section: string;
  /** Other headings that mean this field in councils' own spreadsheets. */
  headings?: string[];
  max?: number;
}

export type FieldValue = string | string[] | boolean | null;

export function column(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isRealDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  return String(v).trim();
}

export function yesNo(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  const t = text(v).toLowerCase();
  if (["yes", "y", "true", "1"].includes(t)) return true;
  if (["no", "n", "false", "0"].includes(t)) return false;
  return undefined;
}

function zodFor(f: FieldDef): z.ZodType<FieldValue> {
  const lower = f.label.charAt(0).toLowerCase() + f.label.slice(1);
  const missing = f.missing ?? `Enter ${lower}`;
  switch (f.kind) {
    case "text":
    case "textarea": {
      const max = f.max ?? (f.kind === "text" ? 300 : 5000);
      return z.preprocess(
        text,
        z
          .string()
          .max(max, `${f.label} must be ${max} characters or fewer`)
          .refine((v) => !f.required || v.length > 0, missing)
          .transform((v) => v || null),
      );
    }
    case "select": {
      const values = (f.options ?? []).map((o) => o.value);
      return z.preprocess(
        text,
        z
          .string()
          .refine((v) => v !== "" || !f.required, f.missing ?? `Select ${lower}`)
          .refine((v) => v === "" || values.includes(v), `Select ${lower} from the list`)
          .transform((v) => v || null),
      );
    }
    case "checkboxes": {
      const values = (f.options ?? []).map((o) => o.value);
      return z.preprocess(
        (v) => asArray(v).map((s) => s.trim()),
        z
          .array(z.string())
          .refine((list) => list.every((v) => values.includes(v)), `Select ${lower} from the list`)
          .transform((list) =>
            [...new Set(list)].sort((a, b) => values.indexOf(a) - values.indexOf(b)),
          ),
      );
    }
    case "yesno":
      return z.preprocess(
        (v) => (v === undefined || v === null || v === "" ? undefined : (yesNo(v) ?? "invalid")),
        z.union([z.boolean(), z.undefined(), z.literal("invalid")]).transform((v, ctx) => {
          if (v === "invalid" || (v === undefined && f.required)) {
            ctx.addIssue({ code: "custom", message: f.missing ?? `Select yes or no for ${lower}` });
            return z.NEVER;
          }
          return v ?? false;
        }),
      );
    case "date":
      return z.preprocess(
        text,
        z
          .string()
          .refine((v) => v !== "" || !f.required, missing)
          .refine(
            (v) => v === "" || isRealDate(v),
            `${f.label} must be a real date, like 2026-03-31`,
          )
          .transform((v) => v || null),
      );
    case "user":
    case "serviceArea":
      return z.preprocess(
        text,
        z
          .string()
          .refine((v) => v !== "" || !f.required, f.missing ?? `Select ${lower}`)
          .refine((v) => v === "" || UUID.test(v), `Select ${lower} from the list`)
          .transform((v) => v || null),
      );
  }
}

/** The zod schema of a record: every field, all optional unless required. `partial` for API patches. */
export function schemaFor(fields: readonly FieldDef[]) {
  return z.object(Object.fromEntries(fields.map((f) => [f.name, zodFor(f)])));
}

/** JSON schema of a record for the API (and so the OpenAPI document). */
export function jsonSchemaFor(
  fields: readonly FieldDef[],
  options: { requireRequired?: boolean; extra?: Record<string, unknown> } = {},
) {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const description = f.hint ? `${f.label}. ${f.hint}` : f.label;
    const values = (f.options ?? []).map((o) => o.value);
    switch (f.kind) {
      case "text":
      case "textarea":
        properties[f.name] = {
          type: ["string", "null"],
          maxLength: f.max ?? (f.kind === "text" ? 300 : 5000),
          description,
        };
        break;
      case "select":
        properties[f.name] = { type: ["string", "null"], enum: [...values, null], description };
        break;
      case "checkboxes":
        properties[f.name] = {
          type: "array",
          items: { type: "string", enum: values },
          maxItems: values.length,
          description,
        };
        break;
      case "yesno":
        properties[f.name] = { type: "boolean", description };
        break;
      case "date":
        properties[f.name] = { type: ["string", "null"], format: "date", description };
        break;
      case "user":
        properties[f.name] = {
          type: ["string", "null"],
          format: "uuid",
          description: `${description} (an account id)`,
        };
        break;
      case "serviceArea":
        properties[f.name] = {
          type: ["string", "null"],
          format: "uuid",
          description: `${description} (a service area id)`,
        };
        break;
    }
  }
  return {
    type: "object",
    additionalProperties: false,
    properties: { ...properties, ...(options.extra ?? {}) },
    ...(options.requireRequired
      ? { required: fields.filter((f) => f.required).map((f) => f.name) }
      : {}),
  };
}

/** Form values for re-display: booleans as "yes"/"no", lists as arrays, nulls as "". */
export function formValues(
  fields: readonly FieldDef[],
  record: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = record[f.name];
    if (f.kind === "checkboxes") out[f.name] = asArray(v);
    else if (f.kind === "yesno")
      out[f.name] = v === true || v === "yes" ? "yes" : v === false || v === "no" ? "no" : "";
    else out[f.name] = v ?? "";
  }
  return out;
}

/** Fields grouped by section, in declaration order, for forms and the detail page. */
export function sections(fields: readonly FieldDef[]) {
  const out: { title: string; fields: FieldDef[] }[] = [];
  for (const f of fields) {
    let s = out.find((x) => x.title === f.section);
    if (!s) {
      s = { title: f.section, fields: [] };
      out.push(s);
    }
    s.fields.push(f);
  }
  return out;
}

/** A value as a person reads it: labels for vocabularies, Yes/No, lists joined. */
export function display(
  f: FieldDef,
  value: unknown,
  names: { users?: Record<string, string>; serviceAreas?: Record<string, string> } = {},
): string {
  if (value === null || value === undefined || value === "") return "";
  const label = (v: string) => f.options?.find((o) => o.value === v)?.label ?? v;
  switch (f.kind) {
    case "checkboxes":
      return asArray(value).map(label).join("; ");
    case "select":
      return label(String(value));
    case "yesno":
      return value === true ? "Yes" : "No";
    case "user":
      return names.users?.[String(value)] ?? String(value);
    case "serviceArea":
      return names.serviceAreas?.[String(value)] ?? String(value);
    default:
      return String(value);
  }
}
