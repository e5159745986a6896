import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnionFind } from "./cluster.ts";
import { estimateLambda, expectationMaximisation, type Pattern } from "./em.ts";

/** Expected pattern counts for two comparisons with three levels each (null, agree, disagree). */
function patternsFrom(m: number[][], u: number[][], lambda: number, pairs: number): Pattern[] {
  const out: Pattern[] = [];
  for (const a of [1, 2]) {
    for (const b of [1, 2]) {
      for (const c of [1, 2]) {
        const pm = m[0][a] * m[1][b] * m[2][c];
        const pu = u[0][a] * u[1][b] * u[2][c];
        out.push({ g: [a, b, c], n: pairs * (lambda * pm + (1 - lambda) * pu) });
      }
    }
  }
  return out;
}

describe("expectation maximisation", () => {
  const trueM = [
    [Number.NaN, 0.9, 0.1],
    [Number.NaN, 0.8, 0.2],
    [Number.NaN, 0.95, 0.05],
  ];
  const u = [
    [Number.NaN, 0.05, 0.95],
    [Number.NaN, 0.1, 0.9],
    [Number.NaN, 0.01, 0.99],
  ];
  const isNull = [
    [1, 0, 0],
    [1, 0, 0],
    [1, 0, 0],
  ];

  it("recovers m and λ from data generated with known parameters", () => {
    const patterns = patternsFrom(trueM, u, 0.2, 100_000);
    const start = [
      [Number.NaN, 0.6, 0.4],
      [Number.NaN, 0.6, 0.4],
      [Number.NaN, 0.6, 0.4],
    ];
    const result = expectationMaximisation({
      patterns,
      m: start,
      u,
      nullLevel: isNull,
      active: [0, 1, 2],
      lambda: 0.5,
      maxIterations: 500,
      tolerance: 1e-10,
    });
    assert.ok(Math.abs(result.lambda - 0.2) < 0.005, `λ ${result.lambda}`);
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(result.m[c][1] - trueM[c][1]) < 0.01, `m[${c}] ${result.m[c][1]}`);
  });

  it("leaves comparisons outside the session untouched", () => {
    const patterns = patternsFrom(trueM, u, 0.2, 10_000);
    const start = trueM.map((row) => [...row]);
    start[2] = [Number.NaN, 0.5, 0.5];
    const result = expectationMaximisation({
      patterns,
      m: start,
      u,
      nullLevel: isNull,
      active: [0, 1],
      lambda: 0.5,
    });
    assert.deepEqual(result.m[2], start[2]);
  });

  it("estimates λ alone with m and u fixed", () => {
    const patterns = patternsFrom(trueM, u, 0.01, 1_000_000);
    const lambda = estimateLambda(patterns, trueM, u, isNull, 0.3);
    assert.ok(Math.abs(lambda - 0.01) < 1e-4, `λ ${lambda}`);
  });
});

describe("union-find clustering", () => {
  it("joins connected records and names clusters after their smallest member", () => {
    const uf = new UnionFind(6);
    uf.union(4, 2);
    uf.union(2, 5);
    uf.union(0, 1);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => uf.find(i)),
      [0, 0, 2, 3, 2, 2],
    );
  });
});
