import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { signedInClient, type TestClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import {
  MAX_PICKED_ROWS,
  OpenDataInputError,
  parseRowList,
  REDACTED,
  rowRanges,
  type Version,
} from "./opendata-service.ts";
import { datasetWithFile, spendCsv, testActor } from "./test-factories.ts";

let ctx: TestContext;
let dpo: TestClient;
const dataDir = mkdtempSync(join(tmpdir(), "steward-redaction-"));

before(async () => {
  ctx = await createTestContext({ STEWARD_DATA_DIR: dataDir, dataDir });
  dpo = (await signedInClient(ctx, ["dpo"])).client;
});
after(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A spend payment row with a chosen payee. */
function payment(transaction: string, payee: string) {
  return `http://x,Northmoor District Council,10/05/2024,${transaction},${payee},Children's Services,Children's Services,Services,"£650.00",0,BACS`;
}

/**
 * Four company payments on rows 2 to 5, then payees that all look like people: two are (a foster carer
 * and a sole trader, rows 6 and 8), two are a company named after its founder (rows 7 and 9). A blank
 * line before them is no row at all, so the file's physical lines are one ahead of its rows from there.
 */
const MIXED_PAYEES = spendCsv(4, [
  "",
  payment("T900000001", "Mrs Jane Smith"),
  payment("T900000002", "John Lewis"),
  payment("T900000003", "Peter Jones"),
  payment("T900000004", "John Lewis"),
]);

async function blockedSpend(slug: string) {
  const made = await datasetWithFile(ctx.services, MIXED_PAYEES, { slug });
  assert.equal(made.version.gate, "blocked", JSON.stringify(made.version.report?.summary));
  const url = `/staff/open-data/${made.dataset.id}/resources/${made.resource.id}/versions/${made.version.id}`;
  await dpo.get(url); // the form's CSRF token
  return { ...made, url };
}

/** The redacted version's payees by transaction number, read back through the datastore. */
async function payees(version: Version): Promise<Map<string, string>> {
  const opendata = ctx.services.opendata;
  const result = await opendata.datastore.search(opendata.parquetPath(version), { limit: 100 });
  return new Map(
    result.records.map((r) => [String(r.TransactionNumber), String(r.BeneficiaryName)]),
  );
}

async function versions(resourceId: string) {
  return (await ctx.services.opendata.resource(resourceId))?.versions ?? [];
}

/** The version the redaction made: version 2, derived from version 1. */
async function newVersion(resourceId: string): Promise<Version> {
  const made = (await versions(resourceId)).find((v) => v.version === 2);
  assert.ok(made, "a redacted version");
  return made;
}

async function redactEvent(resourceId: string) {
  const audit = await ctx.services.audit.search({
    entityType: "open-resource",
    entityId: resourceId,
    action: "redact",
    limit: 5,
  });
  assert.equal(audit.events.length, 1);
  return audit.events[0];
}

const reason = "Foster carers and sole traders are private individuals; John Lewis is a company.";

describe("open data: redacting hand-picked cells", () => {
  it("numbers rows as the report does: records, with the header as row 1", async () => {
    const { version } = await blockedSpend("rows-numbered");
    const names = version.report?.findings.find((f) => f.rule === "person-name");
    assert.equal(names?.column, "BeneficiaryName");
    // Records, not physical lines: the blank line on line 6 does not push the rows down.
    assert.deepEqual(
      names?.examples.map((e) => e.row),
      [6, 7, 8, 9],
    );
    assert.deepEqual(parseRowList("12, 40-45, 101", 200), {
      rows: [12, 40, 41, 42, 43, 44, 45, 101],
    });
    assert.deepEqual(parseRowList(" 7 ;3 – 4,3 ", 10), { rows: [3, 4, 7] });
    assert.deepEqual(parseRowList(`2-${MAX_PICKED_ROWS + 1}`, 5000), {
      rows: Array.from({ length: MAX_PICKED_ROWS }, (_, i) => i + 2),
    });
    assert.match(
      (parseRowList(`2-${MAX_PICKED_ROWS + 2}`, 5000) as { error: string }).error,
      /Pick at most 1,000 rows/,
    );
    assert.match(
      (parseRowList("2-400, 500-700, 800-1300", 5000) as { error: string }).error,
      /Pick at most 1,000 rows/,
    );
    assert.equal(rowRanges([6, 8, 9, 10, 12]), "6, 8-10, 12");
    assert.equal(rowRanges([2, 4, 6, 8], 2), "2, 4 and 2 more");
  });

  it("replaces the rows the reviewer gives and keeps the others; the new version is checked again", async () => {
    const { dataset, resource, version, url } = await blockedSpend("rows-typed");
    const res = await dpo.post(`${url}/review`, {
      decision: "redact",
      rowsColumn: "BeneficiaryName",
      rows: "6, 8",
      reason,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const redacted = await newVersion(resource.id);
    assert.equal(redacted.version, 2);
    assert.equal(redacted.derivedFrom, version.id);
    assert.equal(
      redacted.changeNote,
      `Redacted from version 1: replaced 2 cells in BeneficiaryName (rows 6, 8) with “${REDACTED}”.`,
    );
    const byTransaction = await payees(redacted);
    assert.equal(byTransaction.get("T900000001"), REDACTED);
    assert.equal(byTransaction.get("T900000003"), REDACTED);
    assert.equal(byTransaction.get("T900000002"), "John Lewis");
    assert.equal(byTransaction.get("T900000004"), "John Lewis");
    assert.equal([...byTransaction.values()].filter((p) => p === REDACTED).length, 2);
    // The kept look-alikes are still flagged, on the same rows: the gate holds until a person decides.
    assert.equal(redacted.gate, "blocked");
    const left = redacted.report?.findings.find((f) => f.rule === "person-name");
    assert.deepEqual(
      left?.examples.map((e) => e.row),
      [7, 9],
    );
    const original = await ctx.services.opendata.version(version.id);
    assert.equal(original?.review?.decision, "redacted");
    assert.equal(original?.review?.redactedVersionId, redacted.id);
    assert.deepEqual(original?.review?.redactions, [
      { column: "BeneficiaryName", mode: "rows", rows: [6, 8], cells: 2 },
    ]);

    // John Lewis is a company: the second decision clears the new version, which is then published.
    const page = `/staff/open-data/${dataset.id}/resources/${resource.id}/versions/${redacted.id}`;
    await dpo.get(page);
    const cleared = await dpo.post(`${page}/review`, {
      decision: "not-personal-data",
      reason: "John Lewis is the department store company, not a person.",
    });
    assert.equal(cleared.statusCode, 303);
    await ctx.services.opendata.publish(testActor, dataset.id);
    const ckan = await ctx.app.inject({
      url: `/api/3/action/datastore_search?resource_id=${resource.id}&filters=${encodeURIComponent('{"TransactionNumber":"T900000001"}')}`,
    });
    const record = ckan.json().result.records[0];
    assert.equal(record.BeneficiaryName, REDACTED);
  });

  it("replaces every cell whose value is exactly one of the values given, and audits counts, not values", async () => {
    const { resource, url } = await blockedSpend("values");
    const res = await dpo.post(`${url}/review`, {
      decision: "redact",
      valuesColumn: "BeneficiaryName",
      exactValues: "Mrs Jane Smith\r\n  Peter Jones  \r\n\r\nPeter jones\r\nNobody Here",
      reason,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const redacted = await newVersion(resource.id);
    assert.equal(
      redacted.changeNote,
      `Redacted from version 1: replaced 2 cells in BeneficiaryName whose value was one of 4 values given with “${REDACTED}”.`,
    );
    const byTransaction = await payees(redacted);
    assert.equal(byTransaction.get("T900000001"), REDACTED);
    assert.equal(byTransaction.get("T900000003"), REDACTED);
    assert.equal(byTransaction.get("T900000002"), "John Lewis");
    const event = await redactEvent(resource.id);
    assert.deepEqual((event.changes as { redactions: unknown }).redactions, [
      { column: "BeneficiaryName", mode: "values", values: 4, cells: 2 },
    ]);
    assert.doesNotMatch(JSON.stringify(event), /Jane Smith|Peter Jones|Nobody Here/);
  });

  it("offers a box beside each example and redacts the ticked cells with typed rows of the same column", async () => {
    const { resource, version, url } = await blockedSpend("ticked");
    const page = await dpo.get(url);
    assert.equal(page.statusCode, 200);
    for (const row of [6, 7, 8, 9])
      assert.match(
        page.body,
        new RegExp(`name="cells" type="checkbox" value="${row}:BeneficiaryName"`),
      );
    assert.match(
      page.body,
      /Redact this cell <span class="govuk-visually-hidden">\(BeneficiaryName, row 6\)/,
    );
    assert.match(page.body, /form="review-form"/);

    const res = await dpo.post(`${url}/review`, {
      decision: "redact",
      cells: ["6:BeneficiaryName"],
      rowsColumn: "BeneficiaryName",
      rows: "8",
      reason,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const redacted = await newVersion(resource.id);
    const byTransaction = await payees(redacted);
    assert.deepEqual(
      ["T900000001", "T900000002", "T900000003", "T900000004"].map((t) => byTransaction.get(t)),
      [REDACTED, "John Lewis", REDACTED, "John Lewis"],
    );
    const event = await redactEvent(resource.id);
    assert.equal(
      event.summary,
      `Version 1 of “April to June 2024” redacted as version 2: replaced 2 cells in BeneficiaryName (rows 6, 8) with “${REDACTED}”`,
    );
    assert.deepEqual(event.changes, {
      versionId: version.id,
      redactedVersionId: redacted.id,
      reason,
      redactions: [{ column: "BeneficiaryName", mode: "rows", rows: [6, 8], cells: 2 }],
    });
    // The original's page says what became of it.
    assert.match(
      (await dpo.get(url)).body,
      new RegExp(`href="[^"]+/versions/${redacted.id}">See version 2, the redacted one</a>`),
    );
  });

  it("refuses bad rows and values with messages on the fields, keeps what was typed and makes no version", async () => {
    const { resource, version, url } = await blockedSpend("bad-rows");
    const cases: { form: Record<string, string | string[]>; field: string; message: string }[] = [
      {
        form: { rowsColumn: "BeneficiaryName", rows: "6, abc" },
        field: "rows",
        message: "“abc” is not a row number or a range: enter rows like 12, 40-45, 101",
      },
      {
        form: { rowsColumn: "BeneficiaryName", rows: "8-6" },
        field: "rows",
        message: "The range 8-6 runs backwards: write it as 6-8",
      },
      {
        form: { rowsColumn: "BeneficiaryName", rows: "1" },
        field: "rows",
        message: "Row 1 is the header, not data: the data is on rows 2 to 9",
      },
      {
        form: { rowsColumn: "BeneficiaryName", rows: "6, 10" },
        field: "rows",
        message: "Row 10 is not in the file: the data is on rows 2 to 9",
      },
      {
        form: { rowsColumn: "BeneficiaryName", rows: "" },
        field: "rows",
        message: "Enter the rows to redact, like 12, 40-45, 101",
      },
      {
        form: { rowsColumn: "", rows: "6" },
        field: "rowsColumn",
        message: "Choose the column the rows are in",
      },
      {
        form: { rowsColumn: "NoSuchColumn", rows: "6" },
        field: "rowsColumn",
        message: "Choose one of the columns of this file",
      },
      {
        form: { valuesColumn: "BeneficiaryName", exactValues: " \r\n " },
        field: "exactValues",
        message: "Enter the values to redact, one on each line",
      },
      {
        form: { cells: "99:BeneficiaryName" },
        field: "cells",
        message:
          "A ticked cell is not in this file: open the report again and tick the cells again",
      },
    ];
    for (const { form, field, message } of cases) {
      const res = await dpo.post(`${url}/review`, { decision: "redact", reason, ...form });
      assert.equal(res.statusCode, 400, JSON.stringify(form));
      assert.match(res.body, /There is a problem/);
      assert.ok(res.body.includes(`href="#${field}">${message}`), `${field}: ${message}`);
      assert.ok(res.body.includes(`id="${field}-error"`), `inline message for ${field}`);
      assert.ok(res.body.includes(`id="${field}"`), `a field with the id ${field}`);
      assert.match(res.body, new RegExp(`aria-describedby="[^"]*${field}-error`), field);
    }
    // What was typed is kept, and every problem is listed in the order of the page.
    const both = await dpo.post(`${url}/review`, {
      decision: "redact",
      cells: "6:BeneficiaryName",
      rowsColumn: "BeneficiaryName",
      rows: "9-7",
      reason: "",
    });
    assert.equal(both.statusCode, 400);
    assert.match(both.body, /id="rows" name="rows" type="text" spellcheck="false" value="9-7"/);
    assert.match(both.body, /<option value="BeneficiaryName" selected>/);
    assert.match(both.body, /value="6:BeneficiaryName" checked/);
    const summary = both.body.slice(both.body.indexOf("There is a problem"));
    assert.ok(summary.indexOf('href="#rows"') < summary.indexOf('href="#reason"'));

    assert.equal((await versions(resource.id)).length, 1);
    assert.equal((await ctx.services.opendata.version(version.id))?.gate, "blocked");

    // The service holds the same line for callers other than the form.
    await assert.rejects(
      ctx.services.opendata.review(testActor, version.id, {
        kind: "redact",
        reason,
        redactions: [{ column: "BeneficiaryName", mode: "rows", rows: [6, 10] }],
      }),
      (err) =>
        err instanceof OpenDataInputError &&
        err.message === "Row 10 is not a row of data: the data is on rows 2 to 9",
    );
    assert.equal((await versions(resource.id)).length, 1);
  });
});
