/**
 * Web benchmark (issue 2): public start page and a signed-in page reading 20 rows, 50 connections,
 * on PostgreSQL (DATABASE_URL) and on embedded PGlite; start-up time and idle memory.
 *   npx tsx bench/web.ts            (PGlite, and PostgreSQL too when BENCH_DATABASE_URL is set)
 */
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { addUsersThroughForm, signIn, startServer } from "./server.ts";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

async function load(url: string, headers: Record<string, string> = {}) {
  await autocannon({ url, connections: 10, duration: 2, headers }); // warm-up
  const r = await autocannon({ url, connections: 50, duration: DURATION, headers });
  const non2xx = r.non2xx + r.errors;
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The web process plus, for the embedded database, its PGlite child. */
function treeRssMb(pid: number): { web: number; total: number } {
  const children = execSync(`pgrep -P ${pid} || true`)
    .toString()
    .trim()
    .split("\n")
    .filter(Boolean)
    .map(Number);
  const web = rssMb(pid);
  return { web, total: web + children.reduce((s, c) => s + rssMb(c), 0) };
}

async function run(label: string, env: Record<string, string | undefined>) {
  const dataDir = mkdtempSync(join(tmpdir(), "steward-bench-"));
  const first = await startServer({ ...env, STEWARD_DATA_DIR: dataDir });
  const cookie = await signIn(first.url, first.adminEmail as string, first.adminPassword as string);
  // Enough accounts that the users page reads a full page of 20 rows (the demo has 13).
  await addUsersThroughForm(first.url, cookie, 10);
  const publicPage = await load(`${first.url}/`);
  const staffPage = await load(`${first.url}/admin/users`, { cookie });
  const auditPage = await load(`${first.url}/admin/audit`, { cookie });
  await first.stop();

  const again = await startServer({ ...env, STEWARD_DATA_DIR: dataDir, DEMO_DATA: "false" });
  await new Promise((r) => setTimeout(r, 5000));
  const memory = treeRssMb(again.pid);
  await again.stop();
  return { label, publicPage, staffPage, auditPage, readyMs: again.readyMs, memory };
}

const results = [await run("PGlite (embedded)", { DATABASE_URL: undefined })];
const server = process.env.BENCH_DATABASE_URL;
if (server) {
  const name = `steward_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    results.push(await run("PostgreSQL server", { DATABASE_URL: url.toString() }));
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

console.log(`\nWeb benchmark, 50 connections, ${DURATION} s per route, load from the same machine`);
console.log("| database | route | requests/s | p50 ms | p99 ms | errors |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const r of results) {
  console.log(
    `| ${r.label} | public start page \`/\` | ${r.publicPage.rps} | ${r.publicPage.p50} | ${r.publicPage.p99} | ${r.publicPage.non2xx} |`,
  );
  console.log(
    `| ${r.label} | signed-in users list \`/admin/users\`, 20 rows | ${r.staffPage.rps} | ${r.staffPage.p50} | ${r.staffPage.p99} | ${r.staffPage.non2xx} |`,
  );
  console.log(
    `| ${r.label} | signed-in audit trail \`/admin/audit\`, 20 rows + filter form | ${r.auditPage.rps} | ${r.auditPage.p50} | ${r.auditPage.p99} | ${r.auditPage.non2xx} |`,
  );
}
console.log(
  "\n| database | `serve` to ready on an existing data folder | idle RSS: web process | idle RSS: with PGlite child |",
);
console.log("| --- | ---: | ---: | ---: |");
for (const r of results)
  console.log(
    `| ${r.label} | ${(r.readyMs / 1000).toFixed(1)} s | ${r.memory.web} MB | ${r.memory.total} MB |`,
  );
