/** Expectation maximisation on aggregated comparison patterns (pure, so it is easy to test). */

export interface Pattern {
  /** Level index per comparison. */
  g: number[];
  /** How many pairs have this pattern. */
  n: number;
}

export interface EmInput {
  patterns: Pattern[];
  /** m[c][level], u[c][level]; null levels hold NaN and are ignored. */
  m: number[][];
  u: number[][];
  nullLevel: number[][];
  /** Comparisons whose m is estimated; the others are left out of the likelihood entirely. */
  active: number[];
  lambda: number;
  maxIterations?: number;
  tolerance?: number;
}

export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
}

const FLOOR = 1e-6;

function bayesFactor(
  p: Pattern,
  m: number[][],
  u: number[][],
  isNull: number[][],
  active: number[],
): [number, number] {
  let pm = 1;
  let pu = 1;
  for (const c of active) {
    const level = p.g[c];
    if (isNull[c][level]) continue;
    pm *= m[c][level];
    pu *= u[c][level];
  }
  return [pm, pu];
}

/** EM with u fixed: estimates m for the active comparisons and λ for these patterns. */
export function expectationMaximisation(input: EmInput): EmResult {
  const { patterns, u, nullLevel: isNull, active } = input;
  let m = input.m.map((row) => [...row]);
  let lambda = input.lambda;
  const maxIterations = input.maxIterations ?? 40;
  const tolerance = input.tolerance ?? 1e-5;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const sums = m.map((row) => row.map(() => 0));
    let expectedMatches = 0;
    let total = 0;
    for (const p of patterns) {
      const [pm, pu] = bayesFactor(p, m, u, isNull, active);
      const posterior = (lambda * pm) / (lambda * pm + (1 - lambda) * pu);
      const w = p.n * posterior;
      expectedMatches += w;
      total += p.n;
      for (const c of active) sums[c][p.g[c]] += w;
    }
    const next = m.map((row, c) => {
      if (!active.includes(c)) return row;
      const denominator = sums[c].reduce((a, v, level) => a + (isNull[c][level] ? 0 : v), 0);
      if (denominator <= 0) return row;
      const raw = sums[c].map((v, level) =>
        isNull[c][level] ? row[level] : Math.max(v / denominator, FLOOR),
      );
      const norm = raw.reduce((a, v, level) => a + (isNull[c][level] ? 0 : v), 0);
      return raw.map((v, level) => (isNull[c][level] ? v : v / norm));
    });
    const nextLambda =
      total > 0 ? Math.min(Math.max(expectedMatches / total, 1e-12), 1 - 1e-9) : lambda;
    let change = Math.abs(nextLambda - lambda);
    for (const c of active)
      for (let k = 0; k < m[c].length; k++)
        if (!isNull[c][k]) change = Math.max(change, Math.abs(next[c][k] - m[c][k]));
    m = next;
    lambda = nextLambda;
    if (change < tolerance) {
      iterations++;
      break;
    }
  }
  return { m, lambda, iterations };
}

/** λ for the given patterns with m and u fixed (EM on λ alone). */
export function estimateLambda(
  patterns: Pattern[],
  m: number[][],
  u: number[][],
  isNull: number[][],
  start: number,
): number {
  const active = m.map((_, c) => c);
  let lambda = start;
  for (let i = 0; i < 100; i++) {
    let expected = 0;
    let total = 0;
    for (const p of patterns) {
      const [pm, pu] = bayesFactor(p, m, u, isNull, active);
      expected += (p.n * lambda * pm) / (lambda * pm + (1 - lambda) * pu);
      total += p.n;
    }
    const next = total > 0 ? Math.min(Math.max(expected / total, 1e-12), 1 - 1e-9) : lambda;
    if (Math.abs(next - lambda) < 1e-10 * Math.max(lambda, 1e-6)) return next;
    lambda = next;
  }
  return lambda;
}

/**
 * EM with m fixed: the non-match distribution u and λ of a population of candidate pairs.
 * Candidate pairs are not random pairs: relatives share surname and address far more often than
 * strangers do, and u learnt here says so.
 */
export function estimateNonMatchDistribution(
  patterns: Pattern[],
  m: number[][],
  uStart: number[][],
  isNull: number[][],
  lambdaStart: number,
  maxIterations = 60,
): { u: number[][]; lambda: number } {
  const all = m.map((_, c) => c);
  let u = uStart.map((row) => [...row]);
  let lambda = lambdaStart;
  for (let i = 0; i < maxIterations; i++) {
    const sums = u.map((row) => row.map(() => 0));
    let expected = 0;
    let total = 0;
    for (const p of patterns) {
      const [pm, pu] = bayesFactor(p, m, u, isNull, all);
      const posterior = (lambda * pm) / (lambda * pm + (1 - lambda) * pu);
      const w = p.n * (1 - posterior);
      expected += p.n * posterior;
      total += p.n;
      for (const c of all) sums[c][p.g[c]] += w;
    }
    const next = u.map((row, c) => {
      const denominator = sums[c].reduce((a, v, k) => a + (isNull[c][k] ? 0 : v), 0);
      if (denominator <= 0) return row;
      const raw = sums[c].map((v, k) => (isNull[c][k] ? row[k] : Math.max(v / denominator, FLOOR)));
      const norm = raw.reduce((a, v, k) => a + (isNull[c][k] ? 0 : v), 0);
      return raw.map((v, k) => (isNull[c][k] ? v : v / norm));
    });
    const nextLambda = total > 0 ? Math.min(Math.max(expected / total, 1e-12), 1 - 1e-9) : lambda;
    let change = Math.abs(nextLambda - lambda);
    for (const c of all)
      for (let k = 0; k < u[c].length; k++)
        if (!isNull[c][k]) change = Math.max(change, Math.abs(next[c][k] - u[c][k]));
    u = next;
    lambda = nextLambda;
    if (change < 1e-6) break;
  }
  return { u, lambda };
}
