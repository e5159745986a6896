import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addressWithPostcode, comparisonFor } from "./comparisons.ts";
import { Db, literal } from "./db.ts";
import { pairsQuery } from "./gammas.ts";
import { standardisedSelect } from "./prepare.ts";
import type { Comparison, Feature, Settings } from "./settings.ts";
import { installStandardisers } from "./standardise-sql.ts";

const forename: Feature = { name: "first_name", column: "first_name", kind: "forename" };
const surname: Feature = { name: "surname", column: "surname", kind: "surname" };
const dob: Feature = { name: "dob", column: "dob", kind: "dob" };
const postcode: Feature = { name: "postcode", column: "postcode", kind: "postcode" };
const address: Feature = { name: "address", column: "address", kind: "address" };
const features = [forename, surname, dob, postcode, address];

type Row = Record<string, string | null>;

/** The label of the level each comparison gives the pair (left, right). */
async function levelsFor(
  db: Db,
  comparisons: Comparison[],
  left: Row,
  right: Row,
): Promise<Record<string, string>> {
  const values = (row: Row, rid: number) =>
    `SELECT ${rid} AS __rid, ${features.map((f) => `${row[f.column] === undefined || row[f.column] === null ? "NULL" : literal(row[f.column] as string)}::VARCHAR AS "${f.column}"`).join(", ")}`;
  await db.run(`CREATE OR REPLACE TABLE __raw AS ${values(left, 0)} UNION ALL ${values(right, 1)}`);
  await db.run(
    `CREATE OR REPLACE TABLE __records AS ${standardisedSelect(features, "__raw", ["__rid"])}`,
  );
  const settings = { features, comparisons, blockingRules: [] } as unknown as Settings;
  const row = await db.one<Record<string, number>>(
    pairsQuery(settings, "__records l, __records r", "l.__rid = 0 AND r.__rid = 1"),
  );
  return Object.fromEntries(
    comparisons.map((c) => [c.name, c.levels[Number(row[`g_${c.name}`])].label]),
  );
}

describe("comparison levels", () => {
  let db: Db;
  const comparisons = [
    comparisonFor(forename, { surname: "surname" }),
    comparisonFor(surname, { forename: "first_name" }),
    comparisonFor(dob),
    comparisonFor(postcode),
  ];
  before(async () => {
    db = await Db.open({ memoryLimit: "1GB" });
    await installStandardisers(db);
  });
  after(() => db.close());

  it("puts exact matches, nicknames and typos at the right levels", async () => {
    const base = {
      first_name: "Robert",
      surname: "Smith",
      dob: "1980-03-05",
      postcode: "LS12 3AB",
      address: null,
    };
    assert.deepEqual(await levelsFor(db, comparisons, base, { ...base, first_name: "ROBERT" }), {
      first_name: "exact",
      surname: "exact",
      dob: "exact",
      postcode: "exact",
    });
    const levels = await levelsFor(db, comparisons, base, {
      first_name: "Bob",
      surname: "Smyth",
      dob: "05/03/1980",
      postcode: "ls123ab",
    });
    assert.equal(levels.first_name, "same name once nicknames resolved");
    assert.equal(levels.surname, "Jaro-Winkler ≥ 0.88");
    assert.equal(levels.dob, "exact");
    assert.equal(levels.postcode, "exact");
  });

  it("detects swapped names, day/month swaps and postcode sectors", async () => {
    const base = {
      first_name: "Anna",
      surname: "Kowalski",
      dob: "1980-03-05",
      postcode: "LS12 3AB",
      address: null,
    };
    const levels = await levelsFor(db, comparisons, base, {
      first_name: "Kowalski",
      surname: "Anna",
      dob: "1980-05-03",
      postcode: "LS12 3XY",
    });
    assert.equal(levels.first_name, "swapped with surname");
    assert.equal(levels.surname, "swapped with first_name");
    assert.equal(levels.dob, "day and month swapped");
    assert.equal(levels.postcode, "same sector");
  });

  it("grades date differences and treats missing values as the null level", async () => {
    const base = {
      first_name: "Anna",
      surname: "Jones",
      dob: "1980-03-05",
      postcode: null,
      address: null,
    };
    assert.equal(
      (await levelsFor(db, comparisons, base, { ...base, dob: "1980-03-15" })).dob,
      "one of day, month, year differs",
    );
    assert.equal(
      (await levelsFor(db, comparisons, base, { ...base, dob: "1980-11-20" })).dob,
      "within 1 year",
    );
    assert.equal(
      (await levelsFor(db, comparisons, base, { ...base, dob: "1975-11-20" })).dob,
      "within 10 years",
    );
    assert.equal(
      (await levelsFor(db, comparisons, base, { ...base, dob: "1940-01-01" })).dob,
      "else",
    );
    const missing = await levelsFor(db, comparisons, base, {
      ...base,
      dob: null,
      first_name: "Zebedee",
    });
    assert.equal(missing.dob, "null");
    assert.equal(missing.postcode, "null");
    assert.equal(missing.first_name, "else");
  });

  it("compares an address with its postcode as one piece of evidence", async () => {
    const combined = [addressWithPostcode(address, postcode)];
    const base = {
      first_name: "A",
      surname: "B",
      dob: null,
      postcode: "LS12 3AB",
      address: "12 High Street, Leeds",
    };
    assert.equal(
      (await levelsFor(db, combined, base, { ...base, address: "12 High St, Leeds" })).address,
      "address and postcode exact",
    );
    assert.equal(
      (await levelsFor(db, combined, base, { ...base, address: "14 High Street, Leeds" })).address,
      "address Jaro-Winkler ≥ 0.9, same postcode",
    );
    assert.equal(
      (
        await levelsFor(db, combined, base, {
          ...base,
          address: "Rose Cottage",
          postcode: "ls123ab",
        })
      ).address,
      "same postcode",
    );
    assert.equal(
      (await levelsFor(db, combined, base, { ...base, address: "1 Mill Lane", postcode: "M1 1AE" }))
        .address,
      "else",
    );
  });
});
