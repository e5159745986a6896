import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { datasetInput, testActor } from "./test-factories.ts";

/** JSON records and GeoJSON features go through the same gate as a CSV and are queried like one. */
describe("JSON and GeoJSON resources as tables", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  async function upload(slug: string, format: "JSON" | "GeoJSON", fileName: string, body: unknown) {
    const { opendata } = ctx.services;
    const dataset = await opendata.create(testActor, datasetInput({ slug, template: null }));
    const resource = await opendata.addResource(testActor, dataset.id, {
      name: "Sites",
      format,
      schemaName: null,
    });
    const version = await opendata.addVersion(testActor, resource.id, {
      fileName,
      data: Buffer.from(JSON.stringify(body)),
    });
    return { dataset, resource, version };
  }

  it("queries a GeoJSON FeatureCollection's properties and points through datastore_search", async () => {
    const { dataset, resource, version } = await upload("land-assets", "GeoJSON", "land.geojson", {
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          properties: { site: "Town Hall", hectares: 1.2 },
          geometry: { type: "Point", coordinates: [-1.5, 53.8] },
        },
        {
          type: "Feature",
          properties: { site: "Depot", hectares: 3.4 },
          geometry: { type: "Point", coordinates: [-1.6, 53.7] },
        },
      ],
    });
    assert.equal(version.report?.kind, "tabular");
    assert.equal(version.gate, "clean", JSON.stringify(version.report?.findings));
    assert.equal(version.rowCount, 2);
    await ctx.services.opendata.publish(testActor, dataset.id);
    const res = await ctx.app.inject({
      url: `/api/3/action/datastore_search?resource_id=${resource.id}&filters=${encodeURIComponent('{"site":"Depot"}')}`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const result = res.json().result;
    assert.equal(result.total, 1);
    assert.equal(result.records[0].latitude, 53.7);
    assert.equal(result.records[0].geometry_type, "Point");
    const show = await ctx.app.inject({ url: `/api/3/action/resource_show?id=${resource.id}` });
    assert.equal(show.json().result.datastore_active, true);
  });

  it("screens JSON records column by column: an email address in a record blocks publication", async () => {
    const { version } = await upload("contacts", "JSON", "contacts.json", {
      records: [
        { service: "Parks", contact: "jane.smith@gmail.com" },
        { service: "Libraries", contact: "libraries@northmoor.gov.uk" },
      ],
    });
    assert.equal(version.report?.kind, "tabular");
    assert.equal(version.gate, "blocked");
    assert.ok(version.report?.findings.some((f) => f.column === "contact"));
  });

  it("keeps JSON that is not a list of records as a document, screened as text, not queryable", async () => {
    const { version } = await upload("config", "JSON", "about.json", {
      title: "About our data",
      owner: { name: "Open data team" },
    });
    assert.equal(version.report?.kind, "document");
    assert.equal(version.gate, "clean");
  });
});
