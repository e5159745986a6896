#!/usr/bin/env node
// `npm test`: unit and integration tests (node:test through tsx), then browser tests when Chromium is found.
// DATABASE_URL set: the same suite runs against that PostgreSQL server instead of embedded PGlite.
//   npm test -- --unit | --browser     one tier only
//   npm test -- path/to/file.test.ts   chosen files
// Each test file runs in its own process under a time limit (TEST_FILE_TIMEOUT seconds, default 600), two at
// a time, so one file that hangs fails on its own instead of stopping the run.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const chosen = args.filter((a) => a.endsWith(".test.ts"));
const flags = args.filter((a) => a.startsWith("--"));
const wantUnit = chosen.length === 0 && (flags.length === 0 || flags.includes("--unit"));
const wantBrowser = chosen.length === 0 && (flags.length === 0 || flags.includes("--browser"));
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT ?? 600) * 1000;
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2);

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "browser") findTests(path, out);
    } else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--test", "--test-reporter=spec", file],
      {
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, fileTimeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const count = (label) => Number(new RegExp(`^ℹ ${label} (\\d+)`, "m").exec(output)?.[1] ?? 0);
      const passed = count("pass");
      let failed = count("fail") + count("cancelled");
      if (timedOut)
        output += `\n✖ ${file} did not finish within ${fileTimeoutMs / 1000} s and was stopped.\n`;
      if ((code !== 0 || timedOut) && failed === 0) failed = 1;
      if (code === 0 && passed === 0 && failed === 0) output += `\n(no tests ran in ${file})\n`;
      resolve({
        file,
        output,
        passed,
        failed,
        skipped: count("skipped"),
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

async function runAll(files, label) {
  console.log(`\n== ${label}: ${files.length} test files, ${concurrency} at a time ==`);
  const queue = [...files];
  const results = [];
  async function worker() {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const result = await runFile(file);
      process.stdout.write(`\n--- ${file} (${result.seconds.toFixed(1)} s)\n${result.output}`);
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return results;
}

const results = [];
if (chosen.length) results.push(...(await runAll(chosen, "chosen tests")));

if (wantUnit) {
  const target = process.env.DATABASE_URL ? "PostgreSQL server" : "embedded PGlite";
  results.push(
    ...(await runAll(
      [...findTests("src"), ...findTests("test")],
      `unit and integration tests on ${target}`,
    )),
  );
}

if (wantBrowser) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const browserTests = existsSync("test/browser")
    ? readdirSync("test/browser")
        .filter((name) => name.endsWith(".test.ts"))
        .sort()
        .map((name) => join("test/browser", name))
    : [];
  if (!existsSync(chromium)) {
    console.log(
      `\nBrowser tests NOT run: no Chromium at ${chromium}. Install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH).`,
    );
  } else if (browserTests.length === 0) {
    console.log("\nBrowser tests: none found in test/browser.");
  } else {
    results.push(...(await runAll(browserTests, "browser tests (Chromium + axe-core)")));
  }
}

const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
const failedFiles = results.filter((r) => r.failed > 0).map((r) => r.file);
console.log(`\n== Summary: ${results.length} test files ==`);
for (const f of failedFiles) console.log(`FAILED: ${f}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
