import type { FormErrors } from "../../platform/web/forms.ts";
import { display, type FieldDef, sections } from "./fields.ts";

/** Options for the fields that point at accounts and service areas. */
export interface Choices {
  users: { value: string; text: string }[];
  owners: { value: string; text: string }[];
  serviceAreas: { value: string; text: string }[];
}

export interface FieldModel {
  macro: "input" | "textarea" | "select" | "checkboxes" | "radios";
  params: Record<string, unknown>;
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v === undefined || v === null || v === "") return [];
  return [String(v)];
}

/**
 * The parameters of GOV.UK Frontend's macros for each field, so a template only says which macro to call:
 * one place decides labels, hints, error messages, widths and the values put back after an error.
 */
export function formModel(
  fields: readonly FieldDef[],
  values: Record<string, unknown>,
  errors: FormErrors | undefined,
  choices: Partial<Choices> = {},
) {
  return sections(fields).map((section) => ({
    title: section.title,
    fields: section.fields.map((f): FieldModel => {
      const value = values[f.name];
      const base = {
        id: f.name,
        name: f.name,
        errorMessage: errors?.byField[f.name],
        hint: f.hint ? { text: f.hint } : undefined,
      };
      const label = {
        text: f.required ? f.label : `${f.label} (optional)`,
        classes: "govuk-label--s",
      };
      switch (f.kind) {
        case "text":
          return {
            macro: "input",
            params: {
              ...base,
              label,
              value: value ?? "",
              classes: (f.max ?? 300) <= 100 ? "govuk-input--width-20" : undefined,
            },
          };
        case "date":
          return {
            macro: "input",
            params: { ...base, label, value: value ?? "", classes: "govuk-input--width-10" },
          };
        case "textarea":
          return { macro: "textarea", params: { ...base, label, value: value ?? "", rows: 3 } };
        case "select":
        case "user":
        case "serviceArea": {
          const options =
            f.kind === "select"
              ? (f.options ?? []).map((o) => ({ value: o.value, text: o.label }))
              : f.kind === "serviceArea"
                ? (choices.serviceAreas ?? [])
                : f.name === "ownerId"
                  ? (choices.owners ?? choices.users ?? [])
                  : (choices.users ?? []);
          const selected = String(value ?? "");
          const items = [
            { value: "", text: f.required ? "Select one" : "Not recorded" },
            ...options.map((o) => ({ ...o, selected: o.value === selected })),
          ];
          if (selected && !options.some((o) => o.value === selected))
            items.push({ value: selected, text: selected, selected: true });
          return { macro: "select", params: { ...base, label, items } };
        }
        case "checkboxes": {
          const checked = new Set(asList(value));
          return {
            macro: "checkboxes",
            params: {
              ...base,
              idPrefix: f.name,
              classes: "govuk-checkboxes--small",
              fieldset: {
                legend: { text: `${f.label} (optional)`, classes: "govuk-fieldset__legend--s" },
              },
              items: (f.options ?? []).map((o) => ({
                value: o.value,
                text: o.label,
                checked: checked.has(o.value),
              })),
            },
          };
        }
        case "yesno": {
          const v = value === true ? "yes" : value === false ? "no" : String(value ?? "");
          return {
            macro: "radios",
            params: {
              ...base,
              idPrefix: f.name,
              classes: "govuk-radios--inline govuk-radios--small",
              fieldset: {
                legend: {
                  text: f.required ? f.label : `${f.label} (optional)`,
                  classes: "govuk-fieldset__legend--s",
                },
              },
              items: [
                { value: "yes", text: "Yes", checked: v === "yes" },
                { value: "no", text: "No", checked: v === "no" },
              ],
            },
          };
        }
        default:
          throw new Error(`unknown field kind ${f.kind}`);
      }
    }),
  }));
}

/** Rows for GOV.UK summary lists, one list per section. Empty values read "Not recorded". */
export function summaryModel(
  fields: readonly FieldDef[],
  record: Record<string, unknown>,
  names: { users?: Record<string, string>; serviceAreas?: Record<string, string> } = {},
  overrides: Record<string, string> = {},
) {
  return sections(fields).map((section) => ({
    title: section.title,
    rows: section.fields.map((f) => {
      const text = overrides[f.name] ?? display(f, record[f.name], names);
      return {
        key: { text: f.label },
        value: text
          ? { text }
          : { html: '<span class="govuk-hint govuk-!-margin-bottom-0">Not recorded</span>' },
      };
    }),
  }));
}
