import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { signedInClient, type TestClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { OpenDataInputError } from "./opendata-service.ts";
import { datasetWithFile, SPEND_HEADER, spendRows, testActor } from "./test-factories.ts";

/** A parsed JSON answer, read field by field in assertions. */
type JsonValue = ReturnType<typeof JSON.parse>;

let ctx: TestContext;
let officer: TestClient;
let officerId: string;
let officerName: string;
const dataDir = mkdtempSync(join(tmpdir(), "steward-withdraw-"));

before(async () => {
  ctx = await createTestContext({ STEWARD_DATA_DIR: dataDir, dataDir });
  const signedIn = await signedInClient(ctx, ["ig-officer"]);
  officer = signedIn.client;
  officerId = signedIn.user.id;
  officerName = signedIn.user.displayName;
});
after(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Spend rows whose transaction numbers start with the seed: T01… for seed 1, T02… for seed 2. */
const spend = (count: number, seed: number) =>
  `${[SPEND_HEADER, ...spendRows(count, seed)].join("\n")}\n`;

async function ckan(action: string, query: string) {
  const res = await ctx.app.inject({ url: `/api/3/action/${action}?${query}` });
  return { status: res.statusCode, body: res.json() as { success: boolean; result: JsonValue } };
}

const REASON = "Row 4 names a foster carer: personal data published by mistake.";

describe("open data: withdrawing one published version", () => {
  it("takes version 2 back through the page: the public side answers from version 1 and it never returns", async () => {
    const {
      dataset,
      resource,
      version: v1,
    } = await datasetWithFile(ctx.services, spend(6, 1), {
      slug: "spend-withdraw",
    });
    assert.equal(v1.gate, "clean", JSON.stringify(v1.report?.findings));
    await ctx.services.opendata.publish(testActor, dataset.id);
    const v2 = await ctx.services.opendata.addVersion(testActor, resource.id, {
      fileName: "spend-v2.csv",
      data: Buffer.from(spend(9, 2)),
      changeNote: "Corrected amounts",
    });
    assert.equal(v2.gate, "clean", JSON.stringify(v2.report?.findings));
    await ctx.services.opendata.publish(testActor, dataset.id);

    // Version 2 is public: served, exported, queried (so the datastore has read it).
    const base = `/data/spend-withdraw/resources/${resource.id}`;
    assert.equal((await ckan("resource_show", `id=${resource.id}`)).body.result.version, 2);
    const before = await ckan("datastore_search", `resource_id=${resource.id}`);
    assert.equal(before.body.result.total, 9);
    for (const ext of ["csv", "json"])
      assert.equal((await ctx.app.inject({ url: `${base}/data.${ext}` })).statusCode, 200);
    const v2Dir = ctx.services.opendata.versionDir(resource.id, v2.id);
    assert.ok(existsSync(join(v2Dir, "export.csv")) && existsSync(join(v2Dir, "export.json")));
    // Filter buckets are built only for large tables: stand-ins where they would be.
    const bucket = `${ctx.services.opendata.parquetPath(v2)}.by-${Buffer.from("BeneficiaryName").toString("hex")}`;
    mkdirSync(join(bucket, "__bucket=0"), { recursive: true });
    writeFileSync(join(bucket, "__bucket=0", "data_0.parquet"), "");
    writeFileSync(`${bucket}.json`, JSON.stringify({ buckets: 2 }));
    assert.equal((await ctx.app.inject({ url: `${base}/versions/${v2.id}` })).statusCode, 200);
    assert.match((await ctx.app.inject({ url: "/data/spend-withdraw" })).body, new RegExp(v2.id));

    // The version page offers the withdrawal for a published version.
    const url = `/staff/open-data/${dataset.id}/resources/${resource.id}/versions/${v2.id}`;
    const page = await officer.get(url);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Withdraw this version/);
    assert.match(page.body, /govuk-warning-text/);
    assert.match(page.body, /govuk-button--warning/);
    assert.match(page.body, new RegExp(`action="${url}/withdraw"`));

    const res = await officer.post(`${url}/withdraw`, { reason: REASON });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.equal(res.headers.location, `${url}?done=withdrawn`);

    // CKAN answers from version 1.
    const shown = await ckan("resource_show", `id=${resource.id}`);
    assert.equal(shown.body.result.version, 1);
    assert.equal(shown.body.result.hash, `sha256:${v1.sha256}`);
    const after = await ckan("datastore_search", `resource_id=${resource.id}`);
    assert.equal(after.body.result.total, 6);
    assert.ok(
      after.body.result.records.every((r: { TransactionNumber: string }) =>
        r.TransactionNumber.startsWith("T01"),
      ),
    );
    const pkg = await ckan("package_show", "id=spend-withdraw");
    assert.equal(pkg.body.result.resources[0].version, 1);
    const dcat = await ctx.app.inject({ url: "/data/spend-withdraw.jsonld" });
    assert.doesNotMatch(dcat.body, new RegExp(v2.id));

    // The public pages and downloads no longer offer version 2.
    const publicPage = await ctx.app.inject({ url: "/data/spend-withdraw" });
    assert.equal(publicPage.statusCode, 200);
    assert.doesNotMatch(publicPage.body, new RegExp(v2.id));
    assert.doesNotMatch(publicPage.body, /Corrected amounts/);
    assert.equal((await ctx.app.inject({ url: `${base}/versions/${v2.id}` })).statusCode, 404);
    assert.equal((await ctx.app.inject({ url: `${base}/versions/${v1.id}` })).statusCode, 200);
    const csv = await ctx.app.inject({ url: `${base}/data.csv` });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /T01/);
    assert.doesNotMatch(csv.body, /T02/);
    const original = await ctx.app.inject({ url: `${base}/download/spend.csv` });
    assert.doesNotMatch(original.body, /T02/);

    // Its public derivatives are gone; the upload and the Parquet file stay for the record.
    assert.deepEqual(
      readdirSync(v2Dir).filter((f) => f.startsWith("export.") || f.includes(".by-")),
      [],
    );
    assert.ok(existsSync(ctx.services.opendata.originalPath(v2)));
    assert.ok(existsSync(ctx.services.opendata.parquetPath(v2)));

    // Publishing the dataset again does not bring it back.
    await ctx.services.opendata.publish(testActor, dataset.id);
    const again = await ctx.services.opendata.version(v2.id);
    assert.equal(again?.publishedAt, null);
    assert.equal(again?.withdrawal?.reason, REASON);
    assert.equal((await ckan("resource_show", `id=${resource.id}`)).body.result.version, 1);

    // Staff see who withdrew it, when and why; the versions table marks it.
    const withdrawn = await officer.get(`${url}?done=withdrawn`);
    assert.match(withdrawn.body, /Version withdrawn/);
    assert.match(withdrawn.body, new RegExp(`Withdrawn on .* by <strong>${officerName}</strong>`));
    assert.match(withdrawn.body, /foster carer: personal data published by mistake/);
    assert.doesNotMatch(withdrawn.body, /action="[^"]*\/withdraw"/);
    const versions = await officer.get(`/staff/open-data/${dataset.id}/resources/${resource.id}`);
    assert.match(versions.body, /govuk-tag--red">Withdrawn<\/strong> on/);

    // The audit trail says who and why.
    const audit = await ctx.services.audit.search({
      entityType: "open-resource",
      entityId: resource.id,
      limit: 50,
    });
    const record = audit.events.find((e) => e.action === "withdraw");
    assert.ok(record, JSON.stringify(audit.events.map((e) => e.action)));
    assert.equal(record.actorId, officerId);
    assert.match(record.summary ?? "", /Version 2 of “April to June 2024” withdrawn/);
    assert.match(record.summary ?? "", /foster carer/);

    // Withdrawn once is enough.
    const twice = await officer.post(`${url}/withdraw`, { reason: REASON });
    assert.equal(twice.statusCode, 409);
  });

  it("refuses a short reason with the error summary, keeping what was typed and changing nothing", async () => {
    const { dataset, resource, version } = await datasetWithFile(ctx.services, spend(4, 3), {
      slug: "spend-short-reason",
    });
    await ctx.services.opendata.publish(testActor, dataset.id);
    const url = `/staff/open-data/${dataset.id}/resources/${resource.id}/versions/${version.id}`;
    await officer.get(url);
    const res = await officer.post(`${url}/withdraw`, { reason: "Oops" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /govuk-error-summary/);
    assert.match(res.body, /href="#reason"/);
    assert.match(res.body, /at least 10 characters/);
    assert.match(res.body, />Oops<\/textarea>/);
    const still = await ctx.services.opendata.version(version.id);
    assert.ok(still?.publishedAt);
    assert.equal(still?.withdrawal, null);
    assert.equal((await ckan("resource_show", `id=${resource.id}`)).body.result.version, 1);
    // Without the form's token, or by someone who may not publish: refused.
    const forged = await officer.post(`${url}/withdraw`, { reason: REASON }, { csrf: null });
    assert.equal(forged.statusCode, 403);
    const caseworker = (await signedInClient(ctx, ["caseworker"])).client;
    await caseworker.get("/staff");
    assert.equal((await caseworker.post(`${url}/withdraw`, { reason: REASON })).statusCode, 403);
    assert.ok((await ctx.services.opendata.version(version.id))?.publishedAt);
  });

  it("refuses to withdraw a version that is not published", async () => {
    const { dataset, resource, version } = await datasetWithFile(ctx.services, spend(4, 4), {
      slug: "spend-unpublished",
    });
    await assert.rejects(
      ctx.services.opendata.withdrawVersion(testActor, version.id, REASON),
      (err) => err instanceof OpenDataInputError && /Only a published version/.test(err.message),
    );
    const url = `/staff/open-data/${dataset.id}/resources/${resource.id}/versions/${version.id}`;
    const page = await officer.get(url);
    assert.doesNotMatch(page.body, /Withdraw this version/);
    assert.equal((await officer.post(`${url}/withdraw`, { reason: REASON })).statusCode, 409);
    assert.equal((await ctx.services.opendata.version(version.id))?.withdrawal, null);
  });

  it("when the only version is withdrawn, asks for a corrected file and publishes that, never the withdrawn one", async () => {
    const { dataset, resource, version } = await datasetWithFile(ctx.services, spend(5, 5), {
      slug: "spend-only-version",
    });
    await ctx.services.opendata.publish(testActor, dataset.id);
    await ctx.services.opendata.withdrawVersion(testActor, version.id, REASON);

    // The dataset stays published, without the resource; its data is gone from the datastore.
    const published = await ctx.services.opendata.getPublished("spend-only-version");
    assert.equal(published?.resources.length, 0);
    assert.equal((await ckan("datastore_search", `resource_id=${resource.id}`)).status, 404);
    assert.equal(
      (await ctx.app.inject({ url: `/data/spend-only-version/resources/${resource.id}/data.csv` }))
        .statusCode,
      404,
    );

    const d = await ctx.services.opendata.get(dataset.id);
    assert.ok(d);
    assert.deepEqual(ctx.services.opendata.publicationBlockers(d), [
      "Upload a corrected file for “April to June 2024” (version 1 was withdrawn)",
    ]);
    await assert.rejects(
      ctx.services.opendata.publish(testActor, dataset.id),
      /Upload a corrected file/,
    );

    const corrected = await ctx.services.opendata.addVersion(testActor, resource.id, {
      fileName: "spend-corrected.csv",
      data: Buffer.from(spend(3, 6)),
      changeNote: "Foster carer removed",
    });
    await ctx.services.opendata.publish(testActor, dataset.id);
    assert.equal((await ctx.services.opendata.version(version.id))?.publishedAt, null);
    assert.ok((await ctx.services.opendata.version(corrected.id))?.publishedAt);
    const shown = await ckan("resource_show", `id=${resource.id}`);
    assert.equal(shown.body.result.version, 2);
  });
});
