import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import { COUNT_CAP, RANKED_WINDOW } from "./disclosure-service.ts";

/**
 * The search's three ways of finding answers, on a log large enough to need each: few matches
 * (all ranked), many recent matches (the newest walked along the date index), and many matches
 * that are all older than the walk reaches (every match fetched through the index).
 * Entry i is published on 2015-01-01 + i days, so a higher i is newer.
 */
describe("disclosure-log search at scale", () => {
  let ctx: TestContext;
  const insert = (from: number, to: number, title: string, text: string, outcome: string) =>
    sql`
      INSERT INTO disclosure_log (reference, type, title, request_text, response_text, outcome, service, topic, received, published_on)
      SELECT 'FOI-T-' || lpad(i::text, 6, '0'), 'foi', ${title} || ' ' || i, ${text}, 'Answered.',
             ${outcome}, 'Service ' || (i % 3), 'Topic', DATE '2015-01-01' + i, DATE '2015-01-01' + i
      FROM generate_series(${from}::int, ${to}::int) AS i`.execute(ctx.services.db);

  before(async () => {
    ctx = await createTestContext();
    // 150 old answers about allotments; of them, entry 120 has the word in its title too.
    await insert(
      0,
      149,
      "Plot waiting list",
      "Allotment plots and waiting times",
      "provided-in-full",
    );
    await sql`UPDATE disclosure_log SET title = 'Allotment rents' WHERE reference = 'FOI-T-000120'`.execute(
      ctx.services.db,
    );
    // 10,200 newer answers about parking, three of them not held.
    await insert(
      150,
      10_349,
      "Parking fines",
      "Parking penalty charge notices",
      "provided-in-full",
    );
    await sql`UPDATE disclosure_log SET outcome = 'not-held' WHERE reference IN ('FOI-T-000200', 'FOI-T-005000', 'FOI-T-010000')`.execute(
      ctx.services.db,
    );
    await sql`ANALYZE disclosure_log`.execute(ctx.services.db);
  });
  after(() => ctx.close());

  it("counts exactly and ranks every match when there are few, even with a filter the words rarely meet", async () => {
    const found = await ctx.services.requests.disclosure.search({
      q: "parking",
      outcome: "not-held",
    });
    assert.equal(found.total, 3);
    assert.equal(found.totalIsCapped, false);
    assert.deepEqual(
      found.results.map((r) => r.reference),
      ["FOI-T-010000", "FOI-T-005000", "FOI-T-000200"],
    );
  });

  it("with many recent matches, ranks the newest and pages on by date", async () => {
    const { disclosure } = ctx.services.requests;
    const first = await disclosure.search({ q: "parking penalty", pageSize: 10 });
    assert.equal(first.total, COUNT_CAP + 1);
    assert.equal(first.totalIsCapped, true);
    assert.equal(first.hasMore, true);
    assert.equal(first.results[0].reference, "FOI-T-010349");
    // The last page of the ranked window still leads on to the pages by date.
    const lastRanked = await disclosure.search({
      q: "parking penalty",
      pageSize: 20,
      page: RANKED_WINDOW / 20,
    });
    assert.equal(lastRanked.results.length, 20);
    assert.equal(lastRanked.hasMore, true);
    const beyond = await disclosure.search({
      q: "parking penalty",
      pageSize: 10,
      page: RANKED_WINDOW / 10 + 3,
    });
    // Newest first: entry 10,349 is number 1, so page 13 of 10 starts at number 121.
    assert.equal(beyond.results[0].reference, "FOI-T-010229");
    assert.equal(beyond.results.length, 10);
  });

  it("finds old matches the walk over recent answers does not reach, ranked", async () => {
    const { disclosure } = ctx.services.requests;
    const found = await disclosure.search({ q: "allotment", pageSize: 5 });
    assert.equal(found.total, COUNT_CAP + 1);
    // The title match ranks first; then the newest allotment answers.
    assert.deepEqual(
      found.results.map((r) => r.reference),
      ["FOI-T-000120", "FOI-T-000149", "FOI-T-000148", "FOI-T-000147", "FOI-T-000146"],
    );
    const later = await disclosure.search({ q: "allotment", pageSize: 20, page: 7 });
    // By date beyond the ranked window: numbers 121 to 140 of 150, newest first.
    assert.equal(later.results[0].reference, "FOI-T-000029");
    assert.equal(later.results.length, 20);
    const last = await disclosure.search({ q: "allotment", pageSize: 20, page: 8 });
    assert.equal(last.results.length, 10);
    assert.equal(last.hasMore, false);
  });

  it("browses pages deeper than the walk over recent answers", async () => {
    // Page 103 of 100 starts at entry number 10,201, newest first: entry 10,349 - 10,200 = 149.
    const deep = await ctx.services.requests.disclosure.search({ pageSize: 100, page: 103 });
    assert.equal(deep.results[0].reference, "FOI-T-000149");
    assert.equal(deep.results.length, 100);
  });

  it("browses by date when there are no words", async () => {
    const found = await ctx.services.requests.disclosure.search({
      service: "Service 1",
      pageSize: 3,
    });
    assert.equal(found.totalIsCapped, true);
    assert.deepEqual(
      found.results.map((r) => r.reference),
      ["FOI-T-010348", "FOI-T-010345", "FOI-T-010342"],
    );
  });
});
