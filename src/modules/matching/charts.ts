/**
 * Charts drawn on the server as SVG geometry, each with the table of its figures (views/_chart.njk):
 * no JavaScript, and the numbers are there for screen readers and for copying.
 */
export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  title: string;
}

export interface Chart {
  id: string;
  title: string;
  width: number;
  height: number;
  bars: Bar[];
  lines: { x1: number; y1: number; x2: number; y2: number }[];
  polyline?: string;
  headings: string[];
  numeric: boolean[];
  rows: string[][];
}

const BLUE = "#1d70b8";
const GREEN = "#00703c";
const RED = "#d4351c";

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : "—");
const signed = (v: number) => `${v >= 0 ? "+" : ""}${fmt(v)}`;

/** Pairs per match-weight band (one unit wide). */
export function weightHistogram(bins: { from: number; count: number }[]): Chart {
  const width = 600;
  const height = 220;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const step = bins.length ? width / bins.length : width;
  const bars = bins.map((b, i) => {
    const h = Math.max(1, Math.round((b.count / max) * 200));
    return {
      x: Math.round(i * step + 1),
      y: 200 - h,
      width: Math.max(1, Math.round(step - 2)),
      height: h,
      fill: b.from >= 0 ? GREEN : BLUE,
      title: `${b.from} to ${b.from + 1}: ${b.count} pairs`,
    };
  });
  return {
    id: "weights",
    title: "Match weight distribution of compared pairs",
    width,
    height,
    bars,
    lines: [{ x1: 0, y1: 200, x2: width, y2: 200 }],
    headings: ["Match weight", "Pairs"],
    numeric: [false, true],
    rows: bins.map((b) => [`${b.from} to ${b.from + 1}`, String(b.count)]),
  };
}

/** Horizontal bars of signed values around a zero line. */
function signedBars(values: { from: number; to: number; title: string }[]) {
  const width = 600;
  const rowH = 22;
  const lo = Math.min(0, ...values.flatMap((v) => [v.from, v.to]));
  const hi = Math.max(0, ...values.flatMap((v) => [v.from, v.to]));
  const span = hi - lo || 1;
  const scale = (v: number) => Math.round(((v - lo) / span) * (width - 20) + 10);
  const bars = values.map((v, i) => ({
    x: scale(Math.min(v.from, v.to)),
    y: i * rowH + 2,
    width: Math.max(2, Math.abs(scale(v.to) - scale(v.from))),
    height: rowH - 4,
    fill: v.to >= v.from ? GREEN : RED,
    title: v.title,
  }));
  const height = Math.max(rowH, values.length * rowH);
  return { width, height, bars, zero: { x1: scale(0), y1: 0, x2: scale(0), y2: height } };
}

export interface WaterfallInput {
  name: string;
  level: string;
  leftValue?: string | null;
  rightValue?: string | null;
  weight: number;
  cumulative: number;
}

/** The waterfall of a pair: prior, each comparison's weight, and the final match weight. */
export function waterfall(steps: WaterfallInput[]): Chart {
  const values = steps.map((s) => ({
    from: s.name === "final" ? 0 : s.cumulative - s.weight,
    to: s.cumulative,
    title: `${s.name}: ${s.level}, ${signed(s.weight)}`,
  }));
  const { width, height, bars, zero } = signedBars(values);
  return {
    id: "waterfall",
    title: "Waterfall: how each comparison moved the match weight",
    width,
    height,
    bars,
    lines: [zero],
    headings: ["Step", "Level", "Left", "Right", "Weight", "Running total"],
    numeric: [false, false, false, false, true, true],
    rows: steps.map((s) => [
      s.name,
      s.level,
      s.leftValue === undefined ? "" : (s.leftValue ?? "(none)"),
      s.rightValue === undefined ? "" : (s.rightValue ?? "(none)"),
      signed(s.weight),
      fmt(s.cumulative),
    ]),
  };
}

/** m, u and the weight log2(m/u) of every comparison level. */
export function mAndU(
  params: {
    comparison: string;
    level: string;
    m: number | null;
    u: number | null;
    weight: number | null;
  }[],
): Chart {
  const values = params.map((p) => ({
    from: 0,
    to: p.weight ?? 0,
    title: `${p.comparison}, ${p.level}: weight ${p.weight === null ? "not trained" : signed(p.weight)}`,
  }));
  const { width, height, bars, zero } = signedBars(values);
  return {
    id: "m-u",
    title: "m and u per comparison level, with the weight log2(m/u)",
    width,
    height,
    bars,
    lines: [zero],
    headings: ["Comparison", "Level", "m", "u", "Weight"],
    numeric: [false, false, true, true, true],
    rows: params.map((p) => [
      p.comparison,
      p.level,
      p.m === null ? "—" : p.m.toPrecision(3),
      p.u === null ? "—" : p.u.toPrecision(3),
      p.weight === null ? "—" : signed(p.weight),
    ]),
  };
}

/** Precision and recall against reviewers' decisions, as a line of recall (x) against precision (y). */
export function precisionRecall(
  curve: { threshold: number; precision: number; recall: number; f1: number }[],
): Chart {
  const width = 600;
  const height = 220;
  const pts = [...curve]
    .sort((a, b) => a.recall - b.recall)
    .map(
      (c) => `${Math.round(c.recall * (width - 20) + 10)},${Math.round(210 - c.precision * 200)}`,
    );
  return {
    id: "precision-recall",
    title: "Precision against recall, from reviewers' decisions",
    width,
    height,
    bars: [],
    lines: [
      { x1: 10, y1: 210, x2: width - 10, y2: 210 },
      { x1: 10, y1: 10, x2: 10, y2: 210 },
    ],
    polyline: pts.join(" "),
    headings: ["Threshold", "Precision", "Recall", "F1"],
    numeric: [true, true, true, true],
    rows: curve.map((c) => [
      String(c.threshold),
      fmt(c.precision, 3),
      fmt(c.recall, 3),
      fmt(c.f1, 3),
    ]),
  };
}
