/**
 * Time, peak memory and F1 of `steward match` on synthetic people, from 10k to 1M records.
 * Each run is a separate process (`/usr/bin/time -v` gives the peak resident memory).
 *
 * Usage: node --import tsx bench/matching/speed.ts [--sizes 10000,100000,1000000] [--modes dedupe,link] [--dir /tmp/steward-speed]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    modes: { type: "string", default: "dedupe,link" },
    dir: { type: "string", default: "/tmp/steward-speed" },
  },
});
const ROOT = resolve(import.meta.dirname, "../..");
const STEWARD = join(ROOT, "bin/steward.js");
const dir = values.dir as string;
mkdirSync(dir, { recursive: true });

function steward(args: string[]): {
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  stdout: string;
} {
  const started = performance.now();
  const res = spawnSync("/usr/bin/time", ["-v", process.execPath, STEWARD, "match", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 0) throw new Error(`steward match ${args.join(" ")} failed:\n${res.stderr}`);
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr);
  // CPU time barely depends on what else runs on the machine; wall time does.
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1] ?? Number.NaN);
  const system = Number(/System time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1] ?? Number.NaN);
  return {
    seconds,
    cpuSeconds: user + system,
    peakMb: peak ? Number(peak[1]) / 1024 : Number.NaN,
    stdout: res.stdout,
  };
}

function f1Of(stdout: string): string {
  return /F1 ([\d.]+)/.exec(stdout)?.[1] ?? "?";
}

function bestOf(stdout: string): string {
  const m = /best F1 ([\d.]+) at threshold ([\d.]+)/.exec(stdout);
  return m ? `${m[1]} (${m[2]})` : "?";
}

console.log(
  "| mode | records | seconds end to end | CPU seconds | peak memory (MB) | pairs compared | F1 at 0.5 | best F1 (threshold) | load average before | stage timings (s) |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const mode of (values.modes as string).split(",")) {
  for (const size of (values.sizes as string).split(",").map(Number)) {
    // dedupe: all datasets together (≈1.79 records a person); link: electoral register to council tax, 92% of people in each.
    const people = mode === "dedupe" ? Math.round(size / 1.79) : Math.round(size / 0.92);
    const data = join(dir, `${mode}-${size}`);
    if (!existsSync(join(data, "combined.csv"))) {
      steward([
        "generate",
        "--people",
        String(people),
        "--out",
        data,
        "--quiet",
        ...(mode === "link" ? ["--coverage", "0.92,0.92,0"] : []),
      ]);
    }
    const pairs = join(data, "pairs.csv");
    const clusters = join(data, "clusters.csv");
    const inputs =
      mode === "dedupe"
        ? [join(data, "combined.csv")]
        : [join(data, "electoral_register.csv"), join(data, "council_tax.csv")];
    const load = loadavg()[0].toFixed(1);
    const run = steward([
      mode,
      ...inputs,
      "--id",
      "record_id",
      "--out",
      pairs,
      "--clusters",
      clusters,
    ]);
    const records = /Records: ([\d +]+);/.exec(run.stdout)?.[1] ?? String(size);
    const compared = /pairs compared: ([\d,]+)/.exec(run.stdout)?.[1] ?? "?";
    const timings = /Timings \(s\): (.*)/.exec(run.stdout)?.[1] ?? "";
    const truth =
      mode === "dedupe" ? ["--truth", inputs[0]] : ["--truth", inputs[0], "--truth", inputs[1]];
    const evaluation = steward([
      "evaluate",
      pairs,
      ...truth,
      "--id",
      "record_id",
      "--cluster",
      "person_id",
    ]);
    console.log(
      `| ${mode} | ${records} | ${run.seconds.toFixed(1)} | ${run.cpuSeconds.toFixed(1)} | ${run.peakMb.toFixed(0)} | ${compared} | ${f1Of(evaluation.stdout)} | ${bestOf(evaluation.stdout)} | ${load} | ${timings} |`,
    );
  }
}
