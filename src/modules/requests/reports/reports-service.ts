import { sql } from "kysely";
import type { IsoDate } from "../../../platform/calendar/index.ts";
import type { Db } from "../../../platform/db/database.ts";
import {
  COST_PER_REQUEST_POUNDS,
  exemption,
  isOutcome,
  OUTCOMES,
  REQUEST_TYPES,
  type RequestType,
} from "../cases/vocabulary.ts";

/** The council year (April to March) of a date: 2025-05-01 → "2025/26". */
export function councilYear(date: IsoDate): string {
  const year = Number(date.slice(0, 4));
  const start = Number(date.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, "0")}`;
}

export function councilYearRange(label: string): { from: IsoDate; to: IsoDate } | undefined {
  const m = /^(\d{4})\/\d{2}$/.exec(label);
  if (!m) return undefined;
  const start = Number(m[1]);
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}

/** ICO timeliness bands: Good 95% or more, Adequate 90–95%, Unsatisfactory under 90%. */
export function icoBand(
  percent: number | null,
): "Good" | "Adequate" | "Unsatisfactory" | "No closed cases" {
  if (percent === null) return "No closed cases";
  if (percent >= 95) return "Good";
  if (percent >= 90) return "Adequate";
  return "Unsatisfactory";
}

function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface TimelinessRow {
  year: string;
  type: RequestType;
  typeLabel: string;
  received: number;
  closed: number;
  inTime: number;
  late: number;
  percentInTime: number | null;
  band: string;
  medianDays: number | null;
  medianDaysLate: number | null;
}

export interface RequestsReport {
  years: string[];
  year: string | null;
  timeliness: TimelinessRow[];
  outcomes: { outcome: string; label: string; count: number }[];
  exemptions: { code: string; label: string; count: number }[];
  services: {
    service: string;
    received: number;
    closed: number;
    inTime: number;
    percentInTime: number | null;
  }[];
}

export interface Theme {
  terms: string[];
  label: string;
  count: number;
  lastTwelveMonths: number;
  services: string[];
  examples: { reference: string; summary: string }[];
  published: number;
  alreadyPublishedAnswers: number;
  suggestion: string;
  estimatedSavingPounds: number;
}

const STOPWORDS = new Set(
  "a about above after again all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own please provide same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours request requests information council held hold holds number numbers many much copy copies details list year years last since dear regards thank thanks freedom act foi eir under like know total wish ask asking following data".split(
    " ",
  ),
);

/** Words that carry meaning, lightly stemmed so "bins" and "bin" match. */
export function keyTerms(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/[^a-z\s]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOPWORDS.has(w))
    .map((w) => w.replace(/(ies)$/, "y").replace(/(ing|ed|es|s)$/, ""))
    .filter((w) => w.length > 2 && !STOPWORDS.has(w));
  return [...new Set(words)];
}

/** Volumes, timeliness against the ICO's bands, outcomes, exemptions and services, by council year. */
export class RequestReportsService {
  constructor(private readonly db: Db) {}

  async report(options: { year?: string } = {}): Promise<RequestsReport> {
    const rows = await this.db
      .selectFrom("request_cases as c")
      .leftJoin("service_areas as s", "s.id", "c.service_area_id")
      .select([
        "c.id",
        "c.type",
        "c.received",
        "c.due_date",
        "c.closed_on",
        "c.outcome",
        "c.status",
        "s.name as service",
      ])
      .execute();
    const years = [...new Set(rows.map((r) => councilYear(r.received)))].sort().reverse();
    const year = options.year && years.includes(options.year) ? options.year : null;
    const inYear = year ? rows.filter((r) => councilYear(r.received) === year) : rows;
    const ids = inYear.map((r) => r.id);
    let exemptionQuery = this.db
      .selectFrom("request_exemptions")
      .select(["code", (eb) => eb.fn.countAll<string>().as("n")])
      .groupBy("code")
      .orderBy("n", "desc");
    if (year) exemptionQuery = exemptionQuery.where("case_id", "in", ids.length ? ids : [""]);
    const exemptionRows = year && ids.length === 0 ? [] : await exemptionQuery.execute();

    const groups = new Map<string, typeof rows>();
    for (const r of inYear) {
      const key = `${councilYear(r.received)}|${r.type}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const timeliness: TimelinessRow[] = [...groups.entries()]
      .map(([key, list]) => {
        const [y, type] = key.split("|");
        const closed = list.filter((r) => r.closed_on && r.status === "closed");
        const timed = closed.filter((r) => r.due_date);
        const inTime = timed.filter((r) => (r.closed_on as string) <= (r.due_date as string));
        const late = timed.filter((r) => (r.closed_on as string) > (r.due_date as string));
        const percent = timed.length
          ? Math.round((inTime.length / timed.length) * 1000) / 10
          : null;
        return {
          year: y,
          type: type as RequestType,
          typeLabel: REQUEST_TYPES[type as RequestType] ?? type,
          received: list.length,
          closed: closed.length,
          inTime: inTime.length,
          late: late.length,
          percentInTime: percent,
          band: icoBand(percent),
          medianDays: median(closed.map((r) => daysBetween(r.received, r.closed_on as string))),
          medianDaysLate: median(
            late.map((r) => daysBetween(r.due_date as string, r.closed_on as string)),
          ),
        };
      })
      .sort((a, b) => b.year.localeCompare(a.year) || a.type.localeCompare(b.type));

    const outcomeCounts = new Map<string, number>();
    for (const r of inYear)
      if (r.outcome) outcomeCounts.set(r.outcome, (outcomeCounts.get(r.outcome) ?? 0) + 1);
    const serviceMap = new Map<
      string,
      { received: number; closed: number; inTime: number; timed: number }
    >();
    for (const r of inYear) {
      const name = r.service ?? "Not assigned to a service";
      const s = serviceMap.get(name) ?? { received: 0, closed: 0, inTime: 0, timed: 0 };
      s.received++;
      if (r.closed_on && r.status === "closed") {
        s.closed++;
        if (r.due_date) {
          s.timed++;
          if (r.closed_on <= r.due_date) s.inTime++;
        }
      }
      serviceMap.set(name, s);
    }
    return {
      years,
      year,
      timeliness,
      outcomes: [...outcomeCounts.entries()]
        .map(([outcome, count]) => ({
          outcome,
          label: isOutcome(outcome) ? OUTCOMES[outcome] : outcome,
          count,
        }))
        .sort((a, b) => b.count - a.count),
      exemptions: exemptionRows.map((e) => ({
        code: e.code,
        label: exemption(e.code)?.label ?? e.code,
        count: Number(e.n),
      })),
      services: [...serviceMap.entries()]
        .map(([service, s]) => ({
          service,
          received: s.received,
          closed: s.closed,
          inTime: s.inTime,
          percentInTime: s.timed ? Math.round((s.inTime / s.timed) * 1000) / 10 : null,
        }))
        .sort((a, b) => b.received - a.received),
    };
  }

  /** The timeliness table as CSV (RFC 4180), one row per council year and type. */
  async timelinessCsv(year?: string): Promise<string> {
    const { timeliness } = await this.report({ year });
    const header = [
      "council_year",
      "type",
      "received",
      "closed",
      "in_time",
      "late",
      "percent_in_time",
      "ico_band",
      "median_days_to_respond",
      "median_days_late",
    ];
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? "" : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = timeliness.map((r) =>
      [
        r.year,
        r.type,
        r.received,
        r.closed,
        r.inTime,
        r.late,
        r.percentInTime,
        r.band,
        r.medianDays,
        r.medianDaysLate,
      ]
        .map(cell)
        .join(","),
    );
    return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
  }

  /**
   * Topics that keep being asked: FOI and EIR requests grouped by the words they share, with how
   * often, which services answer them, whether answers are published, and the saving at £160 a
   * request if the answer were published proactively.
   */
  async themes(
    options: { months?: number; minimum?: number; today?: IsoDate } = {},
  ): Promise<Theme[]> {
    const months = options.months ?? 24;
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    const since = new Date(Date.parse(`${today}T00:00:00Z`) - months * 30.44 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const rows = await this.db
      .selectFrom("request_cases as c")
      .leftJoin("service_areas as s", "s.id", "c.service_area_id")
      .select([
        "c.reference",
        "c.summary",
        "c.request_text",
        "c.received",
        "c.outcome",
        "s.name as service",
      ])
      .where("c.type", "in", ["foi", "eir"])
      .where("c.received", ">=", since)
      .orderBy("c.received", "desc")
      .limit(5000)
      .execute();
    const docs = rows.map((r) => ({
      ...r,
      terms: keyTerms(`${r.summary} ${r.summary} ${r.request_text}`),
    }));
    const df = new Map<string, number>();
    for (const d of docs) for (const t of d.terms) df.set(t, (df.get(t) ?? 0) + 1);
    const n = Math.max(docs.length, 1);
    // Each request's signature: its most distinctive shared words.
    const signatures = docs.map((d) =>
      d.terms
        .filter((t) => (df.get(t) ?? 0) >= 2 && (n < 20 || (df.get(t) ?? 0) < n * 0.5))
        .sort((a, b) => (df.get(b) ?? 0) - (df.get(a) ?? 0) || a.localeCompare(b))
        .slice(0, 6),
    );
    const clusters: { key: Map<string, number>; members: number[] }[] = [];
    signatures.forEach((sig, i) => {
      if (sig.length === 0) return;
      let best: (typeof clusters)[number] | undefined;
      let bestScore = 0;
      for (const c of clusters) {
        const top = [...c.key.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([t]) => t);
        const shared = sig.filter((t) => top.includes(t)).length;
        const score = shared / Math.min(sig.length, top.length);
        if (shared >= 2 && score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      if (best && bestScore >= 0.4) {
        best.members.push(i);
        for (const t of sig) best.key.set(t, (best.key.get(t) ?? 0) + 1);
      } else {
        clusters.push({ key: new Map(sig.map((t) => [t, 1])), members: [i] });
      }
    });
    const minimum = options.minimum ?? 3;
    const themes: Theme[] = [];
    for (const c of clusters.filter((c) => c.members.length >= minimum)) {
      const terms = [...c.key.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 3)
        .map(([t]) => t);
      const members = c.members.map((i) => docs[i]);
      const recent = members.filter((m) => m.received >= yearAgo).length;
      const services = [...new Set(members.map((m) => m.service).filter((s): s is string => !!s))];
      const published = await this.db
        .selectFrom("disclosure_log")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where(
          sql<boolean>`search @@ to_tsquery('english', ${terms
            .slice(0, 2)
            .map((t) => `${t}:*`)
            .join(" & ")})`,
        )
        .executeTakeFirstOrThrow();
      const alreadyPublished = members.filter((m) => m.outcome === "already-published").length;
      const saving = recent * COST_PER_REQUEST_POUNDS;
      themes.push({
        terms,
        label: terms.join(", "),
        count: members.length,
        lastTwelveMonths: recent,
        services,
        examples: members.slice(0, 3).map((m) => ({ reference: m.reference, summary: m.summary })),
        published: Number(published.n),
        alreadyPublishedAnswers: alreadyPublished,
        suggestion:
          Number(published.n) > 0
            ? `Answers are published, yet people still ask: link them from the request form and the ${services[0] ?? "service's"} web pages, or publish the figures as a dataset updated regularly.`
            : `Publish the information about ${terms.join(", ")} proactively (a dataset or web page updated regularly${services.length ? `, owned by ${services[0]}` : ""}).`,
        estimatedSavingPounds: saving,
      });
    }
    return themes.sort((a, b) => b.count - a.count);
  }
}
