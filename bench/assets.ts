/**
 * Asset register benchmark (issue 3): 10,000 assets and 50,000 flows on PostgreSQL.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/assets.ts
 * Makes a fresh database on that server (dropped at the end) and measures:
 *   - the filtered register list (service call and the whole page over HTTP), p50/p95
 *   - the map of one service (the whole page over HTTP: query, layout, SVG and table), p50/p95
 *   - importing a 10,000-row XLSX (read, map, check every row, insert in one transaction)
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { ASSET_FIELDS } from "../src/modules/assets/asset-fields.ts";
import { readSpreadsheet } from "../src/modules/assets/spreadsheet/read.ts";
import {
  loadLookups,
  prepareImport,
  proposeMapping,
} from "../src/modules/assets/spreadsheet/register-sheet.ts";
import { toXlsx } from "../src/modules/assets/spreadsheet/write.ts";
import { openRuntime } from "../src/platform/runtime.ts";
import { buildApp } from "../src/platform/web/app.ts";

const server = process.env.DATABASE_URL;
if (!server) {
  console.error("Set DATABASE_URL to a PostgreSQL server (a fresh database is made on it).");
  process.exit(2);
}
const ASSETS = Number(process.env.BENCH_ASSETS ?? 10_000);
const FLOWS = Number(process.env.BENCH_FLOWS ?? 50_000);
const actor = { actorId: null, actorLabel: "bench" };

function percentile(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timeIt(runs: number, body: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await body(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await body(i);
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
}

const dbName = `steward_bench_${randomBytes(5).toString("hex")}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(server);
url.pathname = `/${dbName}`;

const config = {
  ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
  DATABASE_URL: url.toString(),
  DEMO_DATA: false,
};
const rt = await openRuntime({ config });
const app = await buildApp(rt.services, { cookieSecret: rt.cookieSecret });
await app.ready();
try {
  const { services } = rt;
  // --- Data: 15 service areas, 200 owners, 10,000 assets, 50,000 flows (bulk SQL; the services are for people).
  let t = performance.now();
  const areas: { id: string }[] = [];
  for (let i = 0; i < 15; i++)
    areas.push(
      await services.organisation.addServiceArea(actor, {
        name: `Service ${i + 1}`,
        directorate: null,
        headOfService: null,
      }),
    );
  const pgc = new pg.Client({ connectionString: url.toString() });
  pgc.on("error", () => {});
  await pgc.connect();
  const { rows: ownerRows } = await pgc.query<{ id: string }>(
    `INSERT INTO users (email, display_name, password_hash, roles)
     SELECT 'owner' || g || '@bench.example.gov.uk', 'Owner ' || g, 'x', '{staff,asset-owner}' FROM generate_series(0, 199) g
     RETURNING id`,
  );
  const owners = ownerRows.map((r) => r.id);
  await pgc.query(
    `INSERT INTO information_assets (reference, name, description, asset_type, format, hosting, hosted_by, owner_id, service_area_id,
       marking, holds_personal_data, data_subject_categories, personal_data_categories, special_category, review_due)
     SELECT 'IA-' || lpad(g::text, 5, '0'), 'Asset ' || g || ' ' || (ARRAY['case records','payments','register','mailbox','archive'])[1 + g % 5],
       'Description of asset ' || g, (ARRAY['system','dataset','paper-files','shared-drive'])[1 + g % 4], 'electronic',
       (ARRAY['on-premises','cloud','third-party','data-centre'])[1 + g % 4], CASE WHEN g % 4 = 2 THEN 'Supplier ' || (g % 30) END,
       ($1::uuid[])[1 + g % 200], ($2::uuid[])[1 + g % 15],
       (ARRAY['official','official-sensitive'])[1 + g % 2], g % 3 <> 0,
       CASE WHEN g % 3 <> 0 THEN ARRAY[(ARRAY['residents','children','employees','benefit-claimants','tenants'])[1 + g % 5]] ELSE '{}' END,
       CASE WHEN g % 3 <> 0 THEN ARRAY['identity','contact'] || CASE WHEN g % 7 = 0 THEN ARRAY['health'] ELSE '{}'::text[] END ELSE '{}' END,
       g % 7 = 0 AND g % 3 <> 0, current_date + (g % 730 - 200)
     FROM generate_series(1, ${ASSETS}) g`,
    [owners, areas.map((a) => a.id)],
  );
  await pgc.query(`SELECT setval('information_asset_number', ${ASSETS})`);
  await pgc.query("SELECT setseed(0.42)");
  await pgc.query(
    `WITH a AS (SELECT id, service_area_id, row_number() OVER (ORDER BY reference) AS n FROM information_assets),
     g AS (SELECT g, 1 + floor(random() * ${ASSETS})::int AS fi, 1 + floor(random() * ${ASSETS})::int AS ti,
             floor(random() * 60)::int AS partner FROM generate_series(1, ${FLOWS}) g)
     INSERT INTO data_flows (reference, name, from_kind, from_asset_id, from_service_id, to_kind, to_asset_id, to_service_id, to_partner,
       personal_data, special_category, method, encrypted_in_transit, leaves_uk, transfer_safeguard, agreement, external)
     SELECT 'DF-' || lpad(g::text, 6, '0'), 'Flow ' || g, 'asset', fa.id, fa.service_area_id,
       CASE WHEN g % 3 = 0 THEN 'partner' ELSE 'asset' END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE ta.id END, CASE WHEN g % 3 = 0 THEN NULL ELSE ta.service_area_id END,
       CASE WHEN g % 3 = 0 THEN 'Partner ' || partner END,
       g % 2 = 0, g % 11 = 0, (ARRAY['secure-email','sftp','api','email'])[1 + g % 4], g % 4 <> 3,
       g % 97 = 0, CASE WHEN g % 97 = 0 AND g % 2 = 0 THEN 'idta' END, CASE WHEN g % 5 <> 0 THEN 'Agreement ' || (g % 40) END, g % 3 = 0
     FROM g JOIN a fa ON fa.n = g.fi JOIN a ta ON ta.n = g.ti`,
  );
  await pgc.query("ANALYZE");
  await pgc.end();
  console.log(
    `Loaded ${ASSETS} assets and ${FLOWS} flows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // --- The filtered register list.
  const filters = [
    { search: "payments" },
    { serviceAreaId: areas[3].id },
    { holdsPersonalData: true, specialCategory: true },
    { dataSubjectCategory: "children", sort: "reviewDue" as const },
    { reviewOverdue: true, sort: "owner" as const },
    { thirdPartyHosted: true, marking: "official-sensitive", page: 5 },
    { ownerId: owners[17] },
    { search: "asset 12", serviceAreaId: areas[7].id, sort: "service" as const, descending: true },
  ];
  const list = await timeIt(200, (i) =>
    services.assets.list({ ...filters[i % filters.length], pageSize: 25 }),
  );
  console.log(
    `Register list (service, 8 filter mixes, 200 runs): p50 ${ms(list.p50)}, p95 ${ms(list.p95)}`,
  );

  const user = await services.users.create(actor, {
    email: "bench.ig@bench.example.gov.uk",
    displayName: "Bench IG",
    password: "bench-password-long",
    roles: ["ig-officer"],
  });
  const session = await services.sessions.start(user.id, "127.0.0.1", "bench");
  const cookie = `steward_session=${session.cookieValue}`;
  const pageQueries = [
    "q=payments",
    `service=${areas[3].id}`,
    "personal=yes&special=yes",
    "subject=children&sort=reviewDue",
    "overdue=yes&sort=owner",
    "hosted=yes&marking=official-sensitive&page=5",
  ];
  const get = async (path: string) => {
    const res = await app.inject({ method: "GET", url: path, headers: { cookie } });
    if (res.statusCode !== 200)
      throw new Error(`${path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res;
  };
  const listPage = await timeIt(100, (i) => get(`/assets?${pageQueries[i % pageQueries.length]}`));
  console.log(
    `Register list page over HTTP (100 runs): p50 ${ms(listPage.p50)}, p95 ${ms(listPage.p95)}`,
  );

  // --- The map of one service.
  const mapPage = await timeIt(30, (i) => get(`/flows/map?service=${areas[i % 15].id}`));
  const sample = await get(`/flows/map?service=${areas[0].id}`);
  const drawn = (sample.body.match(/<path d=/g) ?? []).length;
  console.log(
    `Map of one service over HTTP (30 runs): p50 ${ms(mapPage.p50)}, p95 ${ms(mapPage.p95)}; ${drawn} arrows drawn, ${(sample.body.length / 1024).toFixed(0)} KB`,
  );
  const mapFiltered = await timeIt(30, (i) =>
    get(`/flows/map?service=${areas[i % 15].id}&personal=yes&external=yes`),
  );
  console.log(
    `Map of one service, personal data to partners (30 runs): p50 ${ms(mapFiltered.p50)}, p95 ${ms(mapFiltered.p95)}`,
  );

  // --- Importing a 10,000-row XLSX.
  const headings = ASSET_FIELDS.filter((f) => !["reference", "lastReviewed"].includes(f.name)).map(
    (f) => f.label,
  );
  const rows = Array.from({ length: 10_000 }, (_, i) =>
    ASSET_FIELDS.filter((f) => !["reference", "lastReviewed"].includes(f.name)).map((f) => {
      switch (f.name) {
        case "name":
          return `Imported asset ${i}`;
        case "description":
          return `A description of imported asset ${i}, long enough to be realistic.`;
        case "assetType":
          return "System or application";
        case "format":
          return "Electronic";
        case "ownerId":
          return i % 10 === 0 ? `Unknown Person ${i % 50}` : `owner${i % 200}@bench.example.gov.uk`;
        case "serviceAreaId":
          return `Service ${1 + (i % 15)}`;
        case "marking":
          return i % 2 ? "OFFICIAL" : "OFFICIAL-SENSITIVE";
        case "holdsPersonalData":
          return i % 3 ? "Yes" : "No";
        case "dataSubjectCategories":
          return i % 3 ? "Residents; Children" : "";
        case "personalDataCategories":
          return i % 3 ? "Names and identity; Addresses and contact details" : "";
        case "lawfulBases":
          return i % 3 ? "(e) Public task" : "";
        case "retention":
          return "6 years after closure";
        case "vitalRecord":
          return i % 5 ? "No" : "Yes";
        case "reviewDue":
          return "31/03/2027";
        default:
          return "";
      }
    }),
  );
  const xlsx = await toXlsx([{ name: "Register", headings, rows }], "bench");
  t = performance.now();
  const read = await readSpreadsheet(xlsx, "bench.xlsx");
  const tRead = performance.now() - t;
  const mapping = proposeMapping(read.main.headings);
  const prepared = prepareImport(read.main, mapping, await loadLookups(services));
  const tCheck = performance.now() - t - tRead;
  if (prepared.problemCount)
    throw new Error(
      `import problems: ${JSON.stringify(prepared.rows.find((r) => r.problems.length))}`,
    );
  const result = await services.assets.importAssets(
    actor,
    prepared.rows.map((r) => ({
      input: r.input as NonNullable<typeof r.input>,
      ownerPending: r.ownerPending,
      administratorPending: r.administratorPending,
    })),
    [],
    { filename: "bench.xlsx" },
  );
  const total = performance.now() - t;
  console.log(
    `Import of a 10,000-row XLSX (${(xlsx.length / 1024 / 1024).toFixed(1)} MB, ${headings.length} columns): ${(total / 1000).toFixed(2)} s ` +
      `(read ${(tRead / 1000).toFixed(2)} s, map and check ${(tCheck / 1000).toFixed(2)} s, insert ${((total - tRead - tCheck) / 1000).toFixed(2)} s); ${result.created} assets`,
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await app.close();
  await rt.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
