import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Db } from "./db.ts";
import {
  addressNumbers,
  canonicalForename,
  isValidPostcode,
  normaliseAddress,
  normaliseEmail,
  normaliseName,
  normaliseNiNumber,
  normalisePhone,
  normalisePostcode,
  parseUkDate,
  postcodeParts,
} from "./standardise.ts";
import { installStandardisers } from "./standardise-sql.ts";

describe("UK standardisation helpers", () => {
  it("normalises names: case, accents, punctuation, titles", () => {
    assert.equal(normaliseName("  Mr. John O'Brien-Smith "), "john obrien smith");
    assert.equal(normaliseName("Zoë"), "zoe");
    assert.equal(normaliseName("Dr"), "dr");
    assert.equal(normaliseName(""), null);
    assert.equal(normaliseName(null), null);
  });

  it("resolves nicknames to a canonical forename", () => {
    assert.equal(canonicalForename("Bob"), "robert");
    assert.equal(canonicalForename("Peggy"), "margaret");
    assert.equal(canonicalForename("Oyelaran"), "oyelaran");
  });

  it("parses UK date formats and rejects impossible dates", () => {
    assert.equal(parseUkDate("05/03/1970"), "1970-03-05");
    assert.equal(parseUkDate("5.3.1970"), "1970-03-05");
    assert.equal(parseUkDate("1st March 1980"), "1980-03-01");
    assert.equal(parseUkDate("12 Sept 1999"), "1999-09-12");
    assert.equal(parseUkDate("1980-03-12"), "1980-03-12");
    assert.equal(parseUkDate("19560409"), "1956-04-09");
    assert.equal(parseUkDate("01/02/03"), "2003-02-01");
    assert.equal(parseUkDate("31/06/1990"), null);
    assert.equal(parseUkDate("29/02/2001"), null);
    assert.equal(parseUkDate("soon"), null);
  });

  it("normalises and validates postcodes", () => {
    assert.equal(normalisePostcode("sw1a1aa"), "SW1A 1AA");
    assert.equal(normalisePostcode(" m1  1ae "), "M1 1AE");
    assert.equal(isValidPostcode("SW1A 1AA"), true);
    assert.equal(isValidPostcode("2119"), false);
    assert.equal(isValidPostcode("Q1 1AA"), true);
    assert.equal(isValidPostcode("1AA 1AA"), false);
    assert.deepEqual(postcodeParts("ls12 3ab"), {
      area: "LS",
      district: "LS12",
      sector: "LS12 3",
      unit: "LS12 3AB",
    });
  });

  it("tokenises addresses and finds flat and house numbers", () => {
    assert.equal(normaliseAddress("Flat 3, 12a High St."), "flat 3 12a high street");
    assert.equal(normaliseAddress("4 Acacia Ave"), "4 acacia avenue");
    assert.deepEqual(addressNumbers("Flat 3, 12a High St"), { flat: "3", house: "12a" });
    assert.deepEqual(addressNumbers("Apt 7 22 Mill Lane"), { flat: "7", house: "22" });
    assert.deepEqual(addressNumbers("Rose Cottage"), { flat: null, house: null });
  });

  it("normalises phone numbers, NI numbers and emails", () => {
    assert.equal(normalisePhone("+44 (0)7700 900123"), "07700900123");
    assert.equal(normalisePhone("0044 20 7946 0018"), "02079460018");
    assert.equal(normalisePhone("020 7946 0018"), "02079460018");
    assert.equal(normalisePhone("123"), null);
    assert.equal(normaliseNiNumber("ab 12 34 56 c"), "AB123456C");
    assert.equal(normaliseNiNumber("GB123456A"), null);
    assert.equal(normaliseNiNumber("AB123456E"), null);
    assert.equal(normaliseEmail(" Jo.Bloggs@Example.COM "), "jo.bloggs@example.com");
    assert.equal(normaliseEmail("not an email"), null);
  });
});

describe("SQL standardisers agree with the TypeScript ones", () => {
  let db: Db;
  before(async () => {
    db = await Db.open({ memoryLimit: "1GB" });
    await installStandardisers(db);
  });
  after(() => db.close());

  it("gives the same answers on the same inputs", async () => {
    const row = await db.one<Record<string, unknown>>(`SELECT
      std_name('  Mr. John O''Brien-Smith ') AS name,
      canonical_forename(std_name('Bob')) AS nick,
      strftime(std_date('05/03/1970'), '%Y-%m-%d') AS dmy,
      strftime(std_date('12 Mar 1980'), '%Y-%m-%d') AS long_date,
      strftime(std_date('19560409'), '%Y-%m-%d') AS compact,
      std_date('31/06/1990') AS impossible,
      std_postcode('sw1a1aa') AS postcode,
      is_uk_postcode('2119') AS bad_postcode,
      std_phone('+44 (0)7700 900123') AS phone,
      std_ni('ab 12 34 56 c') AS ni,
      std_ni('GB123456A') AS bad_ni,
      std_address('Flat 3, 12a High St.') AS address`);
    assert.deepEqual(row, {
      name: normaliseName("  Mr. John O'Brien-Smith "),
      nick: canonicalForename("Bob"),
      dmy: parseUkDate("05/03/1970"),
      long_date: parseUkDate("12 Mar 1980"),
      compact: parseUkDate("19560409"),
      impossible: null,
      postcode: normalisePostcode("sw1a1aa"),
      bad_postcode: false,
      phone: normalisePhone("+44 (0)7700 900123"),
      ni: normaliseNiNumber("ab 12 34 56 c"),
      bad_ni: null,
      address: normaliseAddress("Flat 3, 12a High St."),
    });
  });
});
