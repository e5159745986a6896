#!/usr/bin/env node
// `npm test`: unit and integration tests (node:test through tsx), then browser tests when Chromium is found.
// DATABASE_URL set: the same suite runs against that PostgreSQL server instead of embedded PGlite.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "node_modules" && name !== "browser") findTests(path, out);
    } else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const only = process.argv.slice(2);
const wantBrowser = only.length === 0 || only.includes("--browser");
const wantUnit = only.length === 0 || only.includes("--unit");
let failed = false;

function run(files, label) {
  console.log(`\n== ${label}: ${files.length} test files ==`);
  const res = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
    { stdio: "inherit", env: process.env },
  );
  if (res.status !== 0) failed = true;
}

if (wantUnit) {
  const target = process.env.DATABASE_URL ? "PostgreSQL server" : "embedded PGlite";
  run([...findTests("src"), ...findTests("test")], `unit and integration tests on ${target}`);
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
    run(browserTests, "browser tests (Chromium + axe-core)");
  }
}

process.exit(failed ? 1 : 0);
