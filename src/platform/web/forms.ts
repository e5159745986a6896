import type { z } from "zod";

/** The one form pattern: parse with a zod schema; on failure, the GOV.UK error summary and inline messages. */
export interface FormErrors {
  /** For govukErrorSummary: [{ text, href }] in field order. */
  list: { text: string; href: string }[];
  /** For each component's errorMessage: { field: { text } }. */
  byField: Record<string, { text: string }>;
}

export type FormResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: FormErrors; values: Record<string, unknown> };

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const values = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FormErrors = { list: [], byField: {} };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (errors.byField[field]) continue;
    errors.byField[field] = { text: issue.message };
    errors.list.push({ text: issue.message, href: `#${field}` });
  }
  return { ok: false, errors, values };
}

/** Add an error found after parsing (for example "that email is taken"). */
export function fieldError(field: string, text: string): FormErrors {
  return { list: [{ text, href: `#${field}` }], byField: { [field]: { text } } };
}

/** Form fields arrive as a string or an array of strings (checkboxes); normalise to an array. */
export function asArray(value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
