/**
 * Instants are stored in UTC; people read and type UK local time (GMT in winter, BST in summer).
 * These helpers convert between the two through Intl's Europe/London rules, so they are right on
 * either side of a clock change whatever the server's own time zone.
 */
export const UK_TIME_ZONE = "Europe/London";

const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: UK_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

const zoneFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: UK_TIME_ZONE,
  timeZoneName: "short",
});

const longDate = new Intl.DateTimeFormat("en-GB", {
  timeZone: UK_TIME_ZONE,
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});

export interface LocalParts {
  date: string; // YYYY-MM-DD
  time: string; // HH:MM (24-hour)
}

/** The UK local date and time of an instant. */
export function toLocalParts(instant: Date): LocalParts {
  const p = Object.fromEntries(partsFormat.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** "GMT" or "BST" at that instant. */
export function zoneAbbreviation(instant: Date): "GMT" | "BST" {
  const name = zoneFormat.formatToParts(instant).find((p) => p.type === "timeZoneName")?.value;
  return name === "BST" || name === "GMT+1" ? "BST" : "GMT";
}

export type LocalTimeResult =
  | { ok: true; instant: Date; ambiguous: boolean }
  | { ok: false; reason: "invalid" | "skipped" };

/**
 * The instant a UK wall-clock time names. In October one hour happens twice (01:00–01:59): the first,
 * BST, is chosen and `ambiguous` says so. In March one hour never happens (01:00–01:59): "skipped".
 */
export function fromLocal(date: string, time: string): LocalTimeResult {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t) return { ok: false, reason: "invalid" };
  const [y, mo, da, h, mi] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (mo < 1 || mo > 12 || da < 1 || h > 23 || mi > 59 || y < 1970 || y > 2200)
    return { ok: false, reason: "invalid" };
  const asUtc = Date.UTC(y, mo - 1, da, h, mi);
  if (new Date(asUtc).getUTCDate() !== da) return { ok: false, reason: "invalid" };
  const wanted = `${date} ${String(h).padStart(2, "0")}:${t[2]}`;
  // The UK is either on UTC or one hour ahead of it: try both offsets, earliest instant first.
  const candidates = [asUtc - 3_600_000, asUtc].filter((ms) => {
    const p = toLocalParts(new Date(ms));
    return `${p.date} ${p.time}` === wanted;
  });
  if (candidates.length === 0) return { ok: false, reason: "skipped" };
  return { ok: true, instant: new Date(candidates[0]), ambiguous: candidates.length > 1 };
}

/** "Friday 25 October 2024" (no comma, as GOV.UK writes dates). */
export function formatLocalDate(instant: Date): string {
  const p = Object.fromEntries(longDate.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

/** GOV.UK style time: "9am", "5:30pm", "midday", "midnight". */
export function govukTime(time: string): string {
  const [h, m] = time.split(":").map(Number);
  if (h === 0 && m === 0) return "midnight";
  if (h === 12 && m === 0) return "midday";
  const suffix = h < 12 ? "am" : "pm";
  const hour = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour}${suffix}` : `${hour}:${String(m).padStart(2, "0")}${suffix}`;
}

/** "Friday 25 October 2024 at 6pm BST": the UK local time of an instant, with its zone. */
export function formatLocal(instant: Date | null | undefined): string {
  if (!instant || Number.isNaN(instant.getTime())) return "";
  const { time } = toLocalParts(instant);
  return `${formatLocalDate(instant)} at ${govukTime(time)} ${zoneAbbreviation(instant)}`;
}
