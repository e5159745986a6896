import type { FastifyReply, FastifyRequest } from "fastify";
import { anyRole, hasRole } from "../../platform/auth/policy.ts";
import { HttpError } from "../../platform/web/errors.ts";
import type { FormErrors } from "../../platform/web/forms.ts";
import { readMultipart, type UploadedFile } from "../../platform/web/uploads.ts";
import { ObligationConflictError, ObligationInputError } from "./errors.ts";
import { readSheet, type Sheet, SheetError } from "./spreadsheet.ts";

/** Who sees the registers: the IG team, the SIRO and information asset owners. */
export const viewPolicy = anyRole("ig-officer", "dpo", "siro", "asset-owner");
/** Who keeps them: the IG team and the DPO (administrators may do anything). */
export const managePolicy = anyRole("ig-officer", "dpo");
/** Who decides on disposals: owners (their own records) and the IG team. */
export const decidePolicy = anyRole("ig-officer", "dpo", "asset-owner");

export function canManage(request: FastifyRequest): boolean {
  return hasRole(request.user, "ig-officer", "dpo");
}

export function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/**
 * Runs a service call; a rule the input broke comes back as form errors (to re-render the form),
 * a conflict as a 409 page. Anything else is a real fault.
 */
export async function attempt<T>(
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; errors: FormErrors }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    if (err instanceof ObligationInputError) return { ok: false, errors: err.formErrors };
    if (err instanceof ObligationConflictError) throw new HttpError(409, err.message);
    throw err;
  }
}

/** Reads an uploaded spreadsheet from a multipart form: the sheet, or an error for the form. */
export async function uploadedSheet(
  request: FastifyRequest,
  field = "file",
): Promise<{ ok: true; sheet: Sheet; file: UploadedFile } | { ok: false; errors: FormErrors }> {
  const form = await readMultipart(request);
  const file = form.files.find((f) => f.field === field);
  const error = (text: string) => ({
    ok: false as const,
    errors: { list: [{ text, href: `#${field}` }], byField: { [field]: { text } } },
  });
  if (!file) return error("Select a spreadsheet (.xlsx) or CSV file");
  if (!file.data.length) return error("The selected file is empty");
  try {
    return { ok: true, sheet: await readSheet(file.filename, file.data), file };
  } catch (err) {
    if (err instanceof SheetError) return error(err.message);
    throw err;
  }
}

export function sendDownload(
  reply: FastifyReply,
  filename: string,
  type: "csv" | "xlsx",
  body: string | Buffer,
) {
  return reply
    .header("content-disposition", `attachment; filename="${filename}"`)
    .type(
      type === "csv"
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    .send(body);
}

/** Select items with an empty first choice. */
export function choices(
  entries: Record<string, string> | [string, string][],
  selected: unknown,
  empty = "Select one",
) {
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  return [
    { value: "", text: empty },
    ...list.map(([value, text]) => ({ value, text, selected: value === selected })),
  ];
}
