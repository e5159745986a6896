/**
 * Open data benchmark (issue 5).
 *   node --import tsx bench/opendata.ts            (BENCH_MB=1024 by default; BENCH_MB=100 for a quick run)
 * Uses an embedded database in a temporary folder (or DATABASE_URL's server, a fresh database dropped after).
 *   1. Writes a spend CSV of about BENCH_MB megabytes (Transparency Code columns, money as "£1,234.56",
 *      UK dates) with DuckDB, then adds it as a resource version: copy into the store, hash, validate against
 *      the spend schema, screen for personal data, write the queryable Parquet. Throughput and peak RSS.
 *   2. datastore_search through HTTP (the CKAN action, app.inject): 100 rows with the total, p50/p95; with a
 *      filter on a payee (the first one alone: it builds the column's buckets), a unit and a date, p50/p95.
 *   3. package_search over 10,000 published datasets through HTTP, p50/p95.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { openDuck } from "../src/modules/opendata/checker.ts";
import { datasetInput, testActor } from "../src/modules/opendata/test-factories.ts";
import { createTestContext } from "../test/helpers/runtime.ts";

const MB = Number(process.env.BENCH_MB ?? 1024);
const DATASETS = Number(process.env.BENCH_DATASETS ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), "steward-bench-opendata-"));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

async function writeSpendCsv(path: string, megabytes: number): Promise<number> {
  const rows = Math.round((megabytes * 1024 * 1024) / 262);
  const instance = await openDuck({ threads: 2, memoryLimit: "1GB" });
  const conn = await instance.connect();
  const suppliers = [
    "Pennine Highways Ltd",
    "Moorland Construction plc",
    "Northmoor Leisure Trust",
    "Dale Residential Care Ltd",
    "Civic IT Solutions Ltd",
    "Riverside Housing Association",
    "Calder Waste Services Limited",
    "Kirkby Office Supplies Ltd",
  ];
  const units = [
    "Highways and Transport",
    "Housing",
    "Adult Social Care",
    "ICT and Digital",
    "Corporate Services",
    "Children's Services",
  ];
  await conn.run(`COPY (
    SELECT 'http://opendatacommunities.org/id/district-council/northmoor' AS OrganisationURI,
      'Northmoor District Council' AS OrganisationLabel,
      strftime(DATE '2024-04-01' + CAST(i % 365 AS INTEGER), '%d/%m/%Y') AS PaymentDate,
      'NDC' || lpad(CAST(i AS VARCHAR), 10, '0') AS TransactionNumber,
      ([${suppliers.map((s) => `'${s}'`).join(",")}])[1 + CAST(hash(i) % 8 AS INTEGER)] || ' ' || CAST(hash(i * 7) % 5000 AS VARCHAR) AS BeneficiaryName,
      ([${units.map((s) => `'${s.replace("'", "''")}'`).join(",")}])[1 + CAST(i % 6 AS INTEGER)] AS OrganisationalUnit,
      ([${units.map((s) => `'${s.replace("'", "''")}'`).join(",")}])[1 + CAST(i % 6 AS INTEGER)] AS ServiceCategoryLabel,
      'Goods and services supplied under contract reference ' || CAST(hash(i * 3) % 100000 AS VARCHAR) AS Purpose,
      '£' || format('{:,.2f}', 500 + (hash(i * 11) % 9000000) / 100.0) AS Amount,
      '0.00' AS IrrecoverableVATAmount,
      'BACS' AS TransactionMethod
    FROM range(${rows}) t(i)) TO '${path}' (HEADER true)`);
  conn.closeSync();
  instance.closeSync();
  return rows;
}

const csvPath = join(dir, "spend.csv");
console.log(`Writing a ${MB} MB spend CSV…`);
const rows = await writeSpendCsv(csvPath, MB);
const bytes = statSync(csvPath).size;
console.log(`  ${rows.toLocaleString("en-GB")} rows, ${(bytes / 1048576).toFixed(0)} MB`);

// The same file through DuckDB alone (CSV to Parquet, types detected), for comparison on the same machine now.
{
  const instance = await openDuck({
    threads: 2,
    memoryLimit: "1500MB",
    tempDir: join(dir, "duck-tmp"),
  });
  const conn = await instance.connect();
  const t = performance.now();
  await conn.run(
    `COPY (SELECT * FROM read_csv('${csvPath}')) TO '${join(dir, "baseline.parquet")}' (FORMAT parquet)`,
  );
  const s = (performance.now() - t) / 1000;
  console.log(
    `  DuckDB alone, CSV to Parquet: ${s.toFixed(1)} s = ${(bytes / 1048576 / s).toFixed(0)} MB/s (baseline)`,
  );
  conn.closeSync();
  instance.closeSync();
  rmSync(join(dir, "baseline.parquet"), { force: true });
}
console.log(
  `  load average now: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} on ${cpus().length} cores`,
);

const ctx = await createTestContext({
  STEWARD_DATA_DIR: join(dir, "data"),
  dataDir: join(dir, "data"),
});
try {
  const { opendata } = ctx.services;
  const dataset = await opendata.create(testActor, datasetInput({ slug: "bench-spend" }));
  const resource = await opendata.addResource(testActor, dataset.id, {
    name: "Spend",
    format: "CSV",
    schemaName: "spend-over-500",
    period: "2024-25-Q1",
  });
  peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const t0 = performance.now();
  const version = await opendata.addVersion(
    testActor,
    resource.id,
    { fileName: "spend.csv", path: csvPath },
    { inline: true },
  );
  const seconds = (performance.now() - t0) / 1000;
  const checkSeconds = version.report?.seconds ?? 0;
  console.log(
    `\n1. Add + validate + screen + make queryable: ${seconds.toFixed(1)} s = ${(bytes / 1048576 / seconds).toFixed(0)} MB/s`,
  );
  console.log(
    `   of which the DuckDB checks and Parquet: ${checkSeconds.toFixed(1)} s = ${(bytes / 1048576 / checkSeconds).toFixed(0)} MB/s`,
  );
  console.log(`   gate ${version.gate}; ${version.report?.summary}`);
  console.log(
    `   peak RSS ${(peakRss / 1048576).toFixed(0)} MB (before: ${(rssBefore / 1048576).toFixed(0)} MB)`,
  );
  if (version.gate !== "clean") throw new Error("the bench file should pass the gate");
  await opendata.publish(testActor, dataset.id);

  const time = async (url: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await ctx.app.inject({ url });
      out.push(performance.now() - t);
      if (res.statusCode !== 200)
        throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    return out;
  };
  const base = `/api/3/action/datastore_search?resource_id=${resource.id}`;
  await time(`${base}&limit=100`, 3);
  const plain = await time(`${base}&limit=100`, 30);
  const offsets = await time(`${base}&limit=100&offset=${Math.floor(rows / 2)}`, 10);
  const filter = encodeURIComponent(
    JSON.stringify({ BeneficiaryName: "Civic IT Solutions Ltd 42" }),
  );
  // The first filter on a text column of a large table splits it into buckets by that column (once).
  const firstFilter = await time(`${base}&limit=100&filters=${filter}`, 1);
  const filtered = await time(`${base}&limit=100&filters=${filter}`, 20);
  const unit = await time(
    `${base}&limit=100&filters=${encodeURIComponent(JSON.stringify({ OrganisationalUnit: "Housing" }))}`,
    10,
  );
  const date = await time(
    `${base}&limit=100&filters=${encodeURIComponent(JSON.stringify({ PaymentDate: "2024-05-01" }))}`,
    10,
  );
  const text = await time(`${base}&limit=100&q=housing`, 10);
  console.log(
    `\n2. datastore_search over ${rows.toLocaleString("en-GB")} rows (HTTP, with total):`,
  );
  console.log(`   100 rows:              p50 ${ms(pct(plain, 50))}, p95 ${ms(pct(plain, 95))}`);
  console.log(`   100 rows at offset n/2: p50 ${ms(pct(offsets, 50))}`);
  console.log(`   filter on a payee, first (builds its buckets): ${ms(firstFilter[0])}`);
  console.log(
    `   filter on a payee:     p50 ${ms(pct(filtered, 50))}, p95 ${ms(pct(filtered, 95))}`,
  );
  console.log(`   filter on a unit:      p50 ${ms(pct(unit, 50))}, p95 ${ms(pct(unit, 95))}`);
  console.log(`   filter on a date:      p50 ${ms(pct(date, 50))}, p95 ${ms(pct(date, 95))}`);
  console.log(`   full-text q:           p50 ${ms(pct(text, 50))}`);

  // 10,000 published datasets, inserted in bulk (the benchmark measures search, not data entry).
  const area = await ctx.services.organisation.addServiceArea(testActor, {
    name: "Bench service",
    directorate: null,
    headOfService: null,
  });
  const themes = ["Spending", "Housing", "Transport", "Environment", "Planning"];
  const t1 = performance.now();
  for (let start = 0; start < DATASETS; start += 1000) {
    const values = Array.from({ length: Math.min(1000, DATASETS - start) }, (_, k) => {
      const i = start + k;
      return sql`(${`bench-${i}`}, ${`Dataset ${i} about ${themes[i % 5].toLowerCase()} in ward ${i % 40}`}, ${`Figures for ${themes[i % 5]} number ${i}, published for reuse.`}, ${area.id}, ${[themes[i % 5]]}, ${["bench", `k${i % 100}`]}, ${i % 4 ? "quarterly" : "annual"}, 'published', now())`;
    });
    await sql`INSERT INTO opendata_datasets (slug, title, description, service_area_id, themes, keywords, frequency, status, published_at) VALUES ${sql.join(values)}`.execute(
      ctx.services.db,
    );
  }
  console.log(
    `\n3. package_search over ${DATASETS.toLocaleString("en-GB")} datasets (inserted in ${((performance.now() - t1) / 1000).toFixed(1)} s):`,
  );
  const first = await time("/api/3/action/package_search?q=housing&rows=10", 1);
  const searches = await time(
    `/api/3/action/package_search?q=housing&fq=${encodeURIComponent("groups:housing")}&rows=10&facet.field=${encodeURIComponent('["groups","organization","res_format"]')}`,
    50,
  );
  const browse = await time(
    "/api/3/action/package_search?rows=20&sort=metadata_modified%20desc",
    50,
  );
  console.log(`   first search after a change (loads the catalogue): ${ms(first[0])}`);
  console.log(`   q + fq + 3 facets: p50 ${ms(pct(searches, 50))}, p95 ${ms(pct(searches, 95))}`);
  console.log(`   browse newest 20:  p50 ${ms(pct(browse, 50))}, p95 ${ms(pct(browse, 95))}`);
  console.log(`\nPeak RSS over the run: ${(peakRss / 1048576).toFixed(0)} MB`);
} finally {
  clearInterval(sampler);
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
