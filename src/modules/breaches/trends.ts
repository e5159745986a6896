import type { Breach } from "./breaches-service.ts";
import type { BreachClock } from "./clock.ts";
import { CAUSES, DATA_CATEGORIES, labelOf } from "./vocabularies.ts";

export interface Bar {
  label: string;
  value: number;
}

export interface Trends {
  year: number | undefined;
  years: number[];
  periodLabel: string;
  total: number;
  reportedToIco: number;
  reportedInTime: number;
  medianHoursToReport: number | null;
  medianHoursToContain: number | null;
  byService: Bar[];
  byCause: Bar[];
  byCategory: Bar[];
  timeToContain: Bar[];
  timeToReport: Bar[];
}

const HOUR = 3_600_000;

/** Council years run April to March: 2025 means April 2025 to March 2026. */
export function councilYear(d: Date): number {
  return d.getUTCMonth() >= 3 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
}

function counts(values: string[]): Bar[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m]
    .map(([label, value]) => ({ label, value }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return Math.round((s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2) * 10) / 10;
}

function buckets(labels: string[], values: string[]): Bar[] {
  return labels.map((label) => ({ label, value: values.filter((v) => v === label).length }));
}

/** The SIRO's view: how many breaches, where, why, what data, and how fast they were contained and reported. */
export function trendsFor(
  all: { breach: Breach; clock: BreachClock }[],
  options: { year?: number; serviceAreaName: (id: string | null) => string },
): Trends {
  const years = [...new Set(all.map((x) => councilYear(x.breach.awareAt)))].sort((a, b) => b - a);
  const items =
    options.year === undefined
      ? all
      : all.filter((x) => councilYear(x.breach.awareAt) === options.year);
  const contain = items.map((x) =>
    x.breach.containedAt
      ? (x.breach.containedAt.getTime() - x.breach.awareAt.getTime()) / HOUR
      : null,
  );
  const report = items.map((x) => (x.clock.msToReport === null ? null : x.clock.msToReport / HOUR));
  const containLabels = [
    "Within 24 hours",
    "1 to 3 days",
    "3 to 7 days",
    "Over a week",
    "Not yet contained",
  ];
  const reportLabels = [
    "Within 24 hours",
    "24 to 48 hours",
    "48 to 72 hours",
    "Over 72 hours",
    "Not reportable",
    "Not yet reported",
  ];
  return {
    year: options.year,
    years,
    periodLabel:
      options.year === undefined
        ? "all years"
        : `April ${options.year} to March ${options.year + 1}`,
    total: items.length,
    reportedToIco: report.filter((r) => r !== null).length,
    reportedInTime: items.filter((x) => x.clock.state === "reported-in-time").length,
    medianHoursToReport: median(report.filter((r): r is number => r !== null)),
    medianHoursToContain: median(
      contain.filter((r): r is number => r !== null).map((h) => Math.max(0, h)),
    ),
    byService: counts(items.map((x) => options.serviceAreaName(x.breach.serviceAreaId))),
    byCause: counts(items.map((x) => labelOf(CAUSES, x.breach.cause) || "Not recorded")),
    byCategory: counts(
      items.flatMap((x) =>
        x.breach.dataCategories.length
          ? x.breach.dataCategories.map((c) => labelOf(DATA_CATEGORIES, c))
          : ["Not recorded"],
      ),
    ),
    timeToContain: buckets(
      containLabels,
      contain.map((h) =>
        h === null
          ? containLabels[4]
          : h <= 24
            ? containLabels[0]
            : h <= 72
              ? containLabels[1]
              : h <= 168
                ? containLabels[2]
                : containLabels[3],
      ),
    ),
    timeToReport: buckets(
      reportLabels,
      items.map((x, i) => {
        const h = report[i];
        if (h === null)
          return x.breach.decision === "not-reportable" ? reportLabels[4] : reportLabels[5];
        return h <= 24
          ? reportLabels[0]
          : h <= 48
            ? reportLabels[1]
            : h <= 72
              ? reportLabels[2]
              : reportLabels[3];
      }),
    ),
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A horizontal bar chart as SVG, drawn on the server: no script needed. It is hidden from assistive
 * technology because the same figures are in the table beside it.
 */
export function barChartSvg(bars: Bar[], options: { width?: number } = {}): string {
  const width = options.width ?? 480;
  const labelWidth = 190;
  const barArea = width - labelWidth - 40;
  const rowHeight = 30;
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = i * rowHeight + 4;
    const w = Math.round((b.value / max) * barArea);
    const label = b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label;
    return [
      `<text x="${labelWidth - 8}" y="${y + 19}" text-anchor="end" fill="#0b0c0c">${esc(label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" fill="#1d70b8"></rect>`,
      `<text x="${labelWidth + w + 6}" y="${y + 19}" fill="#0b0c0c">${b.value}</text>`,
    ].join("");
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="steward-chart" viewBox="0 0 ${width} ${height}" width="100%" aria-hidden="true" focusable="false" font-family="GDS Transport, arial, sans-serif" font-size="15">${rows.join("")}</svg>`;
}
