/**
 * Information requests at scale: `node --import tsx bench/requests.ts [--published N] [--open N]`.
 *
 * Loads N published answers (default 100,000) into the disclosure log and N open cases (default
 * 10,000) on a fresh database (embedded PGlite, or DATABASE_URL), then measures through the
 * services the pages and API use:
 * - disclosure-log search (full text + ranking + capped count), 200 queries: p95 target < 50 ms
 * - suggestions as a resident types (prefix queries), 300 queries: p95 target < 30 ms
 * - the caseworker's open-case list with due dates (first page, overdue filter): target < 100 ms
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { openRuntime } from "../src/platform/runtime.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PUBLISHED = option("--published", 100_000);
const OPEN = option("--open", 10_000);

const TOPICS = [
  ["pothole", "road", "repair", "highway", "compensation", "claim"],
  ["bin", "collection", "waste", "recycling", "missed", "fly-tipping"],
  ["agency", "staff", "spending", "consultant", "salary", "contract"],
  ["parking", "fine", "penalty", "permit", "enforcement", "street"],
  ["school", "pupil", "admission", "exclusion", "transport", "special"],
  ["housing", "homeless", "temporary", "accommodation", "tenant", "repair"],
  ["planning", "application", "enforcement", "appeal", "development", "notice"],
  ["air", "quality", "pollution", "nitrogen", "dioxide", "monitoring"],
  ["care", "adult", "social", "placement", "home", "package"],
  ["council", "tax", "arrears", "business", "rates", "discount"],
  ["cyber", "attack", "ict", "software", "licence", "security"],
  ["tree", "park", "grass", "cutting", "playground", "maintenance"],
];
const FILLER =
  "the number of cases by month and year for each ward and the total cost to the council".split(
    " ",
  );

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    dbName = `steward_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const config = {
    ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
    DATABASE_URL: databaseUrl,
    DEMO_DATA: false,
  };
  const rt = await openRuntime({ config, embeddedDir: "memory://" });
  const { db, requests } = rt.services;
  const kind = rt.services.database.kind;
  try {
    let started = Date.now();
    // Generated in SQL so the load is not the bottleneck: each entry draws words from one topic.
    const topics = JSON.stringify(TOPICS);
    const filler = JSON.stringify(FILLER);
    for (let from = 0; from < PUBLISHED; from += 20_000) {
      const to = Math.min(PUBLISHED, from + 20_000) - 1;
      await sql`
        INSERT INTO disclosure_log (reference, type, title, request_text, response_text, outcome, service, topic, received, published_on)
        SELECT 'FOI-' || (2015 + i % 11) || '-' || lpad(i::text, 6, '0'),
               CASE WHEN i % 7 = 0 THEN 'eir' ELSE 'foi' END,
               initcap(t->>(i % 6)) || ' ' || (t->>((i + 1) % 6)) || ' ' || (t->>((i + 3) % 6)) || ' in ' || (2015 + i % 11),
               'Please tell me ' || (f->>(i % 17)) || ' ' || (t->>((i + 2) % 6)) || ' ' || (t->>((i + 4) % 6)) || ' ' || (f->>((i * 7) % 17)) || ' ' || (t->>(i % 6)) || ' since ' || (2010 + i % 15),
               'We hold ' || (i % 997) || ' records about ' || (t->>((i + 5) % 6)) || ' and ' || (t->>(i % 6)) || '. ' || (f->>((i * 3) % 17)) || ' ' || (f->>((i * 5) % 17)) || ' is attached as a spreadsheet.',
               (ARRAY['provided-in-full','provided-in-part','not-held','already-published','refused','cost-limit'])[1 + i % 6],
               'Service ' || (i % 15), t->>0,
               DATE '2015-01-01' + (i % 4000), DATE '2015-02-01' + (i % 4000)
        FROM generate_series(${from}::int, ${to}::int) AS i,
             LATERAL (SELECT (${topics}::jsonb)->(i % ${TOPICS.length}) AS t, ${filler}::jsonb AS f) AS words
      `.execute(db);
    }
    await sql`ANALYZE disclosure_log`.execute(db);
    const loadPublished = (Date.now() - started) / 1000;

    started = Date.now();
    const today = new Date().toISOString().slice(0, 10);
    for (let from = 0; from < OPEN; from += 10_000) {
      const to = Math.min(OPEN, from + 10_000) - 1;
      await sql`
        INSERT INTO request_cases (reference, type, received, summary, request_text, requester_name, requester_email, due_date, status)
        SELECT 'BENCH-' || lpad(i::text, 6, '0'), CASE WHEN i % 5 = 0 THEN 'sar' ELSE 'foi' END,
               ${today}::date - (i % 60), 'Bench request ' || i, 'Request text ' || i, 'Requester ' || i,
               'r' || i || '@example.com', ${today}::date - (i % 60) + 28, 'in-progress'
        FROM generate_series(${from}::int, ${to}::int) AS i
      `.execute(db);
    }
    await sql`ANALYZE request_cases`.execute(db);
    const loadOpen = (Date.now() - started) / 1000;

    const searchWords = TOPICS.flat();
    const searches: number[] = [];
    // Warm-up, then measured: one and two word queries, half with a filter, some paged.
    for (let i = 0; i < 20; i++) await requests.disclosure.search({ q: pick(searchWords, i) });
    for (let i = 0; i < 200; i++) {
      const q =
        i % 2
          ? `${pick(searchWords, i * 7)} ${pick(searchWords, i * 7 + 1)}`
          : pick(searchWords, i * 13);
      searches.push(
        await time(() =>
          requests.disclosure.search({
            q,
            outcome: i % 4 === 0 ? "provided-in-full" : undefined,
            page: i % 10 === 0 ? 3 : 1,
          }),
        ),
      );
    }

    const typed = [
      "how many poth",
      "How many potholes were repaired on",
      "bin coll",
      "agency staff spend",
      "parking fines is",
      "school admissions appe",
      "temporary accommodation hom",
      "air quality monito",
      "council tax arrea",
      "cyber att",
    ];
    const suggestions: number[] = [];
    for (let i = 0; i < 20; i++) await requests.disclosure.suggest(pick(typed, i));
    for (let i = 0; i < 300; i++) {
      const text = pick(typed, i);
      const cut = text.slice(0, Math.max(4, text.length - (i % 5)));
      suggestions.push(await time(() => requests.disclosure.suggest(cut)));
    }

    const lists: number[] = [];
    for (let i = 0; i < 5; i++) await requests.cases.list({});
    for (let i = 0; i < 50; i++)
      lists.push(
        await time(() => requests.cases.list({ overdue: i % 2 === 1, page: 1 + (i % 3) })),
      );
    const counts = await time(() => requests.cases.counts());

    const fmt = (n: number) => n.toFixed(1);
    console.log(`Information requests benchmark (${kind} database)`);
    console.log(
      `Loaded ${PUBLISHED} published answers in ${loadPublished.toFixed(1)} s, ${OPEN} open cases in ${loadOpen.toFixed(1)} s`,
    );
    console.log(
      `Disclosure-log search, ${searches.length} queries: p50 ${fmt(percentile(searches, 50))} ms, p95 ${fmt(percentile(searches, 95))} ms, max ${fmt(Math.max(...searches))} ms (target p95 < 50 ms)`,
    );
    console.log(
      `Suggestions as you type, ${suggestions.length} queries: p50 ${fmt(percentile(suggestions, 50))} ms, p95 ${fmt(percentile(suggestions, 95))} ms, max ${fmt(Math.max(...suggestions))} ms (target p95 < 30 ms)`,
    );
    console.log(
      `Open-case list with due dates (${OPEN} open), ${lists.length} pages: p50 ${fmt(percentile(lists, 50))} ms, p95 ${fmt(percentile(lists, 95))} ms, max ${fmt(Math.max(...lists))} ms (target < 100 ms); counts ${fmt(counts)} ms`,
    );
  } finally {
    await rt.close();
    if (serverUrl && dbName) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

await main();
