import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { type CheckReport, checkTable } from "./checker.ts";
import { describeChanges } from "./opendata-service.ts";
import { datasetInput, datasetWithFile, spendCsv, testActor } from "./test-factories.ts";
import { shownFormat } from "./vocabulary.ts";

/** A parsed JSON answer, read field by field in assertions. */
type JsonValue = ReturnType<typeof JSON.parse>;

let ctx: TestContext;
const dataDir = mkdtempSync(join(tmpdir(), "steward-opendata-"));

before(async () => {
  ctx = await createTestContext({ STEWARD_DATA_DIR: dataDir, dataDir });
});
after(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ckan(action: string, query = "") {
  const res = await ctx.app.inject({
    method: "GET",
    url: `/api/3/action/${action}${query ? `?${query}` : ""}`,
  });
  return {
    status: res.statusCode,
    body: res.json() as { help: string; success: boolean; result: JsonValue; error: JsonValue },
    res,
  };
}

describe("open data: the gate, publication and the CKAN API", () => {
  it("publishes a clean file, shows it publicly and answers CKAN actions in CKAN's envelope", async () => {
    const { dataset, resource, version } = await datasetWithFile(ctx.services, spendCsv(40), {
      slug: "spend-2024-q1",
    });
    assert.equal(version.gate, "clean", JSON.stringify(version.report?.findings));
    assert.equal(version.rowCount, 40);
    // Not public until published.
    assert.equal((await ctx.app.inject({ url: "/data/spend-2024-q1" })).statusCode, 404);
    assert.equal((await ckan("package_show", "id=spend-2024-q1")).status, 404);

    await ctx.services.opendata.publish(testActor, dataset.id);
    const page = await ctx.app.inject({ url: "/data/spend-2024-q1" });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /application\/ld\+json/);
    assert.match(page.body, /Acme Highways Ltd|Northmoor Leisure Trust|Pennine Waste/);

    // Downloads carry a strong ETag and Last-Modified; a matching request gets 304 and no body.
    const csvUrl = `/data/spend-2024-q1/resources/${resource.id}/data.csv`;
    const csv = await ctx.app.inject({ url: csvUrl });
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.body.split("\n").filter(Boolean).length, 41);
    assert.equal(Number(csv.headers["content-length"]), Buffer.byteLength(csv.body));
    const csvTag = String(csv.headers.etag);
    assert.match(csvTag, /^"[^"]+"$/);
    const unchanged = await ctx.app.inject({ url: csvUrl, headers: { "if-none-match": csvTag } });
    assert.equal(unchanged.statusCode, 304);
    assert.equal(unchanged.body, "");
    const since = await ctx.app.inject({
      url: csvUrl,
      headers: { "if-modified-since": String(csv.headers["last-modified"]) },
    });
    assert.equal(since.statusCode, 304);
    const parquet = await ctx.app.inject({
      url: `/data/spend-2024-q1/resources/${resource.id}/data.parquet`,
    });
    assert.equal(parquet.statusCode, 200);
    assert.notEqual(parquet.headers.etag, csvTag);

    const list = await ckan("package_list");
    assert.deepEqual(Object.keys(list.body).sort(), ["help", "result", "success"]);
    assert.equal(list.body.success, true);
    assert.ok(list.body.result.includes("spend-2024-q1"));

    const show = await ckan("package_show", "id=spend-2024-q1");
    assert.equal(show.body.result.name, "spend-2024-q1");
    assert.equal(show.body.result.license_id, "OGL-UK-3.0");
    assert.equal(show.body.result.resources[0].datastore_active, true);

    const search = await ckan(
      "package_search",
      `q=spending&fq=res_format:CSV&facet.field=${encodeURIComponent('["res_format","groups"]')}&rows=5`,
    );
    assert.equal(search.body.result.count, 1);
    assert.equal(search.body.result.facets.res_format.CSV, 1);
    assert.equal(search.body.result.search_facets.groups.items[0].name, "spending");

    const ds = await ckan(
      "datastore_search",
      `resource_id=${resource.id}&limit=5&sort=${encodeURIComponent("Amount desc")}`,
    );
    assert.equal(ds.body.success, true);
    assert.equal(ds.body.result.total, 40);
    assert.equal(ds.body.result.records.length, 5);
    const amounts = ds.body.result.records.map((r: { Amount: number }) => r.Amount);
    assert.deepEqual(
      amounts,
      [...amounts].sort((a: number, b: number) => b - a),
    );
    assert.equal(
      ds.body.result.fields.find((f: { id: string }) => f.id === "Amount").type,
      "numeric",
    );

    const filtered = await ckan(
      "datastore_search",
      `resource_id=${resource.id}&filters=${encodeURIComponent('{"BeneficiaryName":"Acme Highways Ltd"}')}&fields=BeneficiaryName,Amount`,
    );
    assert.ok(
      filtered.body.result.records.every(
        (r: { BeneficiaryName: string }) => r.BeneficiaryName === "Acme Highways Ltd",
      ),
    );
    assert.deepEqual(
      Object.keys(filtered.body.result.records[0] ?? { BeneficiaryName: 1, Amount: 1 }).sort(),
      ["Amount", "BeneficiaryName"],
    );

    const sqlRes = await ckan(
      "datastore_search_sql",
      `sql=${encodeURIComponent(`SELECT count(*) AS n FROM "${resource.id}"`)}`,
    );
    assert.equal(sqlRes.body.result.records[0].n, 40);
    const forbidden = await ckan(
      "datastore_search_sql",
      `sql=${encodeURIComponent("SELECT * FROM read_csv('/etc/passwd')")}`,
    );
    assert.equal(forbidden.status, 409);
    assert.equal(forbidden.body.success, false);
    const write = await ckan(
      "datastore_search_sql",
      `sql=${encodeURIComponent(`DROP VIEW "${resource.id}"`)}`,
    );
    assert.equal(write.body.success, false);
    // CKAN's datastore_search_sql errors: the statement's problems under "query", with info.orig.
    assert.equal(write.status, 409);
    assert.equal(write.body.error.__type, "Validation Error");
    assert.ok(Array.isArray(write.body.error.query), JSON.stringify(write.body.error));
    assert.ok(Array.isArray(write.body.error.info?.orig));
    const two = await ckan(
      "datastore_search_sql",
      `sql=${encodeURIComponent(`SELECT 1; SELECT 2`)}`,
    );
    assert.deepEqual(two.body.error.query, ["Query is not a single statement."]);
    const none = await ckan("datastore_search_sql", "");
    assert.deepEqual(none.body.error, { __type: "Validation Error", sql: ["Missing value"] });

    // CKAN's error shapes.
    const missing = await ckan("datastore_search", "");
    assert.equal(missing.status, 409);
    assert.deepEqual(missing.body.error, {
      __type: "Validation Error",
      resource_id: ["Missing value"],
    });
    const unknown = await ckan("no_such_action");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.success, false);
    const badField = await ckan("datastore_search", `resource_id=${resource.id}&sort=nope`);
    assert.equal(badField.status, 409);

    // ETags.
    const etag = show.res.headers.etag as string;
    const again = await ctx.app.inject({
      url: "/api/3/action/package_show?id=spend-2024-q1",
      headers: { "if-none-match": etag },
    });
    assert.equal(again.statusCode, 304);

    // Downloads in three formats.
    for (const ext of ["csv", "json", "parquet"]) {
      const dl = await ctx.app.inject({
        url: `/data/spend-2024-q1/resources/${resource.id}/data.${ext}`,
      });
      assert.equal(dl.statusCode, 200, ext);
    }
    const dcat = await ctx.app.inject({ url: "/catalog.jsonld" });
    assert.equal(dcat.json()["dcat:dataset"].length, 1);
    const ttl = await ctx.app.inject({ url: "/catalog.ttl" });
    assert.match(ttl.body, /a dcat:Dataset/);
  });

  it("blocks a file with personal data until a named person decides, and redaction makes a new version", async () => {
    const csv = spendCsv(5, [
      "http://x,Northmoor District Council,10/05/2024,T900000001,Mrs Jane Smith,Children's Services,Children's Services,Foster care allowance,\"£650.00\",0,BACS",
    ]);
    const { dataset, resource, version } = await datasetWithFile(ctx.services, csv, {
      slug: "spend-blocked",
    });
    assert.equal(version.gate, "blocked");
    assert.ok(
      version.report?.findings.some(
        (f) => f.rule === "person-name" && f.column === "BeneficiaryName",
      ),
    );
    await assert.rejects(ctx.services.opendata.publish(testActor, dataset.id), /personal data/);

    const { client } = await signedInClient(ctx, ["dpo"]);
    const url = `/staff/open-data/${dataset.id}/resources/${resource.id}/versions/${version.id}`;
    const report = await client.get(url);
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /Names of private individuals/);
    const noReason = await client.post(`${url}/review`, { decision: "redact", reason: "" });
    assert.equal(noReason.statusCode, 400);
    const res = await client.post(`${url}/review`, {
      decision: "redact",
      reason: "A foster carer is a private individual; the Code says redact the name.",
      redact: "cells:BeneficiaryName:person-name",
    });
    assert.equal(res.statusCode, 303);
    const updated = await ctx.services.opendata.get(dataset.id);
    const latest = updated?.resources[0].latest;
    assert.equal(latest?.version, 2);
    assert.equal(latest?.gate, "clean");
    assert.match(latest?.changeNote ?? "", /Redacted from version 1/);
    assert.equal(latest?.report?.changes, "Same columns and 6 rows as version 1.");
    await ctx.services.opendata.publish(testActor, dataset.id);
    const rows = await ckan("datastore_search", `resource_id=${resource.id}&q=foster`);
    assert.equal(rows.body.result.records[0].BeneficiaryName, "Redacted personal data");
    const audit = await ctx.services.audit.search({
      entityType: "open-resource",
      entityId: resource.id,
      limit: 20,
    });
    assert.ok(audit.events.some((e) => e.action === "redact"));
  });

  it("refuses an invalid file with a report by row and column, and never a 500", async () => {
    const { client } = await signedInClient(ctx, ["asset-owner"]);
    const dataset = await ctx.services.opendata.create(
      testActor,
      datasetInput({ slug: "spend-invalid" }),
    );
    const resource = await ctx.services.opendata.addResource(testActor, dataset.id, {
      name: "Q1",
      format: "CSV",
      schemaName: "spend-over-500",
      period: "Q1 2024/25",
    });
    assert.equal(
      resource.period,
      "2024-25-Q1",
      "the period is stored as the compliance view counts it",
    );
    await assert.rejects(
      ctx.services.opendata.addResource(testActor, dataset.id, {
        name: "Q2",
        format: "CSV",
        period: "2024-2026",
      }),
      /A council year runs April to March/,
    );
    const page = await client.get(`/staff/open-data/${dataset.id}/resources/${resource.id}`);
    assert.equal(page.statusCode, 200);
    const bad = spendCsv(3, [
      "http://x,Northmoor District Council,31/13/2024,T1,Acme Ltd,Highways,Highways,Salt,lots,0,BACS",
    ]);
    const boundary = "----steward";
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="spend.csv"\r\nContent-Type: text/csv\r\n\r\n${bad}\r\n`,
      `--${boundary}--\r\n`,
    ].join("");
    const cookie = (client as unknown as { cookieHeader: string }).cookieHeader;
    const res = await ctx.app.inject({
      method: "POST",
      url: `/staff/open-data/${dataset.id}/resources/${resource.id}/versions?_csrf=${encodeURIComponent(client.csrf)}`,
      payload: body,
      headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const report = await client.get(res.headers.location as string);
    assert.match(report.body, /PaymentDate is not a date/);
    assert.match(report.body, /Amount is not an amount/);
    assert.match(report.body, /3 of 4 rows pass/);
    const garbage = await ctx.services.opendata.addVersion(testActor, resource.id, {
      fileName: "x.csv",
      data: Buffer.from("\u0000\u0001garbage"),
    });
    assert.equal(garbage.gate, "invalid");
  });

  it("lets an officer correct a resource's name and period, refusing a period it cannot read", async () => {
    const { client } = await signedInClient(ctx, ["asset-owner"]);
    const dataset = await ctx.services.opendata.create(
      testActor,
      datasetInput({ slug: "spend-details", template: "spend-over-500" }),
    );
    const resource = await ctx.services.opendata.addResource(testActor, dataset.id, {
      name: "Spend",
      format: "CSV",
    });
    const url = `/staff/open-data/${dataset.id}/resources/${resource.id}`;
    const page = await client.get(url);
    assert.match(page.body, /Change the name, description or period/);
    const bad = await client.post(url, { name: "Spend Q1", period: "2024-25" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /published quarterly: give the quarter/);
    assert.match(bad.body, /value="Spend Q1"/, "what was typed is kept");
    assert.equal((await ctx.services.opendata.resource(resource.id))?.period, null);
    const good = await client.post(url, { name: "Spend Q1", period: "Q1 2024/25" });
    assert.equal(good.statusCode, 303);
    const saved = await ctx.services.opendata.resource(resource.id);
    assert.equal(saved?.name, "Spend Q1");
    assert.equal(saved?.period, "2024-25-Q1");
    const edits = await ctx.services.audit.search({
      entityType: "open-resource",
      entityId: resource.id,
      limit: 20,
    });
    assert.ok(
      edits.events.some((e) => e.action === "update" && /Spend Q1/.test(e.summary ?? "")),
      JSON.stringify(edits.events.map((e) => e.summary)),
    );
  });

  it("shows the public search, the publication scheme and the compliance view", async () => {
    const search = await ctx.app.inject({ url: "/data?q=spending&format=CSV" });
    assert.equal(search.statusCode, 200);
    assert.match(search.body, /spend-2024-q1/);
    const scheme = await ctx.app.inject({ url: "/publication-scheme" });
    assert.match(scheme.body, /What we spend and how we spend it/);
    assert.match(scheme.body, /\/disclosure-log/);
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    const compliance = await client.get("/staff/open-data/transparency-code?year=2024");
    assert.equal(compliance.statusCode, 200);
    assert.match(compliance.body, /Spending over £500/);
    const api = await ctx.app.inject({ url: "/api/v1/open-data/transparency-code?year=2024" });
    const spend = api.json().find((r: { dataset: string }) => r.dataset === "spend-over-500");
    assert.equal(spend.periods[0].period, "2024-25-Q1");
    assert.ok(["published", "published-late"].includes(spend.periods[0].status));
    assert.equal(spend.setUp, true);
    // A draft for a Code dataset is not shown to the public as set up.
    await ctx.services.opendata.create(
      testActor,
      datasetInput({ slug: "fraud-draft", template: "fraud" }),
    );
    const later = await ctx.app.inject({ url: "/api/v1/open-data/transparency-code?year=2024" });
    assert.equal(later.json().find((r: { dataset: string }) => r.dataset === "fraud").setUp, false);
    const staff = await signedInClient(ctx, ["caseworker"]);
    assert.equal((await staff.client.get("/staff/open-data")).statusCode, 403);
  });
});

describe("what changed between versions", () => {
  it("says how the rows and columns differ, in plain words", async () => {
    const dir = mkdtempSync(join(tmpdir(), "steward-changes-"));
    try {
      const report = async (text: string): Promise<CheckReport> => {
        const path = join(dir, `${Math.random()}.csv`);
        writeFileSync(path, text);
        return checkTable({ csvPath: path });
      };
      const v1 = await report("Ward,Count\nNorth,1\nSouth,2\n");
      const v2 = await report("Ward,Count,Notes\nNorth,1,a\nSouth,2,b\nEast,3,c\n");
      const v3 = await report("Count,Notes\n1,a\n2,b\n3,c\n");
      assert.equal(describeChanges(1, v1, v2), "3 rows (version 1 had 2); column Notes added.");
      assert.equal(describeChanges(2, v2, v3), "Column Ward removed.");
      assert.equal(describeChanges(1, v1, v1), "Same columns and 2 rows as version 1.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the format a resource is offered in", () => {
  it("is the published file's: a redacted workbook is CSV; a link is HTML", () => {
    assert.equal(
      shownFormat({ format: "XLSX", published: { fileName: "spend-redacted.csv" } }),
      "CSV",
    );
    assert.equal(shownFormat({ format: "XLSX", published: { fileName: "spend.xlsx" } }), "XLSX");
    assert.equal(shownFormat({ format: "XLSX" }), "XLSX");
    assert.equal(shownFormat({ format: "LINK" }), "HTML");
  });
});
