import { type FormErrors, fieldError } from "../../platform/web/forms.ts";
import { formatLocal, fromLocal, toLocalParts } from "./local-time.ts";

/** Adds one form's errors to another's, keeping the first message for each field. */
export function mergeErrors(a: FormErrors | undefined, b: FormErrors): FormErrors {
  if (!a) return b;
  const out: FormErrors = { list: [...a.list], byField: { ...a.byField } };
  for (const item of b.list) {
    const field = item.href.slice(1);
    if (out.byField[field]) continue;
    out.byField[field] = b.byField[field];
    out.list.push(item);
  }
  return out;
}

/** "5:30pm", "17:30", "9am", "midday", "midnight" → "HH:MM". */
export function parseTime(value: string): string | undefined {
  const v = value.trim().toLowerCase().replace(/\s+/g, "").replace(/\./g, ":");
  if (v === "midday" || v === "noon" || v === "12noon") return "12:00";
  if (v === "midnight") return "00:00";
  const m = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(v);
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = Number(m[2] ?? "0");
  if (min > 59) return undefined;
  if (m[3]) {
    if (h < 1 || h > 12) return undefined;
    if (m[3] === "am" && h === 12) h = 0;
    if (m[3] === "pm" && h !== 12) h += 12;
  } else if (m[2] === undefined || h > 23) return undefined;
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

export type DateTimeResult = { ok: true; value: Date | null } | { ok: false; errors: FormErrors };

/**
 * Reads a GOV.UK date input ("<prefix>-day", "-month", "-year") and a time ("<prefix>-time") as UK local
 * time. `what` finishes the sentence "Enter the date …", e.g. "you found out".
 */
export function readDateTime(
  body: unknown,
  prefix: string,
  what: string,
  required: boolean,
): DateTimeResult {
  const v = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const get = (k: string) => String(v[`${prefix}-${k}`] ?? "").trim();
  const [day, month, year, time] = [get("day"), get("month"), get("year"), get("time")];
  const fail = (field: string, text: string): DateTimeResult => ({
    ok: false,
    errors: fieldError(`${prefix}-${field}`, text),
  });
  if (!day && !month && !year && !time)
    return required ? fail("day", `Enter the date ${what}`) : { ok: true, value: null };
  if (!day) return fail("day", `The date ${what} must include a day`);
  if (!month) return fail("month", `The date ${what} must include a month`);
  if (!year) return fail("year", `The date ${what} must include a year`);
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year))
    return fail("day", `The date ${what} must be a real date`);
  if (!time) return fail("time", `Enter the time ${what}, like 5:30pm`);
  const hhmm = parseTime(time);
  if (!hhmm) return fail("time", `Enter the time ${what} as a real time, like 5:30pm or 17:30`);
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const r = fromLocal(iso, hhmm);
  if (!r.ok && r.reason === "invalid") return fail("day", `The date ${what} must be a real date`);
  if (!r.ok)
    return fail(
      "time",
      `That time did not happen in the UK: the clocks went forward an hour at 1am`,
    );
  return { ok: true, value: r.instant };
}

/** Values to refill a date-and-time question with an instant (or blank). */
export function dateTimeValues(
  prefix: string,
  instant: Date | null | undefined,
): Record<string, string> {
  if (!instant) return {};
  const { date, time } = toLocalParts(instant);
  const [y, m, d] = date.split("-");
  return {
    [`${prefix}-day`]: String(Number(d)),
    [`${prefix}-month`]: String(Number(m)),
    [`${prefix}-year`]: y,
    [`${prefix}-time`]: time,
  };
}

/** Functions templates call: UK local time with its zone. */
export const viewHelpers = {
  local: (d: Date | null | undefined) => formatLocal(d ?? null),
};

/** Text input: "" → null, trimmed. */
export const optionalText = (v: unknown): string | null => {
  const s = typeof v === "string" ? v.trim() : "";
  return s === "" ? null : s;
};

/** PostgreSQL cannot store the NUL character in text or JSON: drop it from everything a form sends. */
export function clean(body: unknown): Record<string, unknown> {
  const strip = (v: unknown): unknown =>
    typeof v === "string" ? v.replaceAll("\u0000", "") : Array.isArray(v) ? v.map(strip) : v;
  if (!body || typeof body !== "object") return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, strip(v)]),
  );
}
