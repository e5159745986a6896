import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonToTable } from "./json-table.ts";

describe("JSON and GeoJSON as tables", () => {
  it("reads an array of records, with nested objects as dotted columns and fields in first-seen order", () => {
    const table = jsonToTable([
      { name: "Town Hall", address: { street: "1 High St", postcode: "NM1 1AA" }, open: true },
      { name: "Library, Central", rooms: 4, tags: ["books", "wifi"] },
    ]);
    assert.ok("csv" in table);
    assert.deepEqual(table.columns, [
      "name",
      "address.street",
      "address.postcode",
      "open",
      "rooms",
      "tags",
    ]);
    assert.equal(
      table.csv,
      'name,address.street,address.postcode,open,rooms,tags\nTown Hall,1 High St,NM1 1AA,true,,\n"Library, Central",,,,4,"[""books"",""wifi""]"\n',
    );
  });

  it("reads the one list inside a wrapper object", () => {
    const table = jsonToTable({ meta: { count: 1 }, records: [{ a: 1 }] });
    assert.ok("csv" in table);
    assert.equal(table.rows, 1);
    assert.equal(table.csv, "a\n1\n");
  });

  it("reads a FeatureCollection: properties, geometry type, point coordinates and the geometry", () => {
    const table = jsonToTable({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          id: 7,
          properties: { site: "Depot", latitude: "kept" },
          geometry: { type: "Point", coordinates: [-1.5, 53.8] },
        },
        {
          type: "Feature",
          properties: { site: "Park" },
          geometry: {
            type: "Polygon",
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ],
    });
    assert.ok("csv" in table);
    assert.deepEqual(table.columns, [
      "site",
      "latitude",
      "feature_id",
      "geometry_type",
      "longitude",
      "_latitude",
      "geometry",
    ]);
    const [, depot, park] = table.csv.trim().split("\n");
    assert.match(depot, /^Depot,kept,7,Point,-1\.5,53\.8,"\{""type"":""Point""/);
    assert.match(park, /^Park,,,Polygon,,,/);
  });

  it("says why JSON that is not a table is not one", () => {
    for (const value of [
      { a: 1 },
      [],
      [1, 2],
      { a: [1], b: [2] },
      "text",
      { type: "FeatureCollection" },
    ])
      assert.ok("notTabular" in jsonToTable(value), JSON.stringify(value));
  });
});
