import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";
import { publishCatalogue } from "./fixtures.ts";

/**
 * The CKAN Action API compared with what CKAN 2.10/2.11 answers, field by field, and driven the way its
 * clients drive it: ckanapi (GET with JSON-encoded list parameters, POST with a JSON body), ckanext-harvest's
 * CKAN harvester (`sort=id asc`, `rows`/`start` paging, `fq` with `-organization:` and a
 * `metadata_modified:[… TO *]` range) and datastore clients following `_links.next`.
 */
type Json = ReturnType<typeof JSON.parse>;

let ctx: TestContext;
let fixture: Awaited<ReturnType<typeof publishCatalogue>>;
before(async () => {
  ctx = await createTestContext();
  fixture = await publishCatalogue(ctx);
});
after(() => ctx.close());

async function get(action: string, params: Record<string, string> = {}) {
  const res = await ctx.app.inject({
    url: `/api/3/action/${action}?${new URLSearchParams(params)}`,
  });
  const body = res.json();
  assert.equal(body.success, true, `${action}: ${res.body}`);
  return body.result as Json;
}
async function post(action: string, body: Record<string, unknown>) {
  const res = await ctx.app.inject({
    method: "POST",
    url: `/api/3/action/${action}`,
    payload: body,
  });
  const json = res.json();
  assert.equal(json.success, true, `${action}: ${res.body}`);
  return json.result as Json;
}

const hasKeys = (what: string, obj: Json, keys: string[]) => {
  const missing = keys.filter((k) => !(k in obj));
  assert.deepEqual(missing, [], `${what} lacks ${missing.join(", ")}`);
};

// Fields CKAN 2.10/2.11's package_show, resource_show and organization_show return.
const PACKAGE_KEYS = [
  "id",
  "name",
  "title",
  "notes",
  "url",
  "version",
  "state",
  "type",
  "private",
  "license_id",
  "license_title",
  "license_url",
  "isopen",
  "author",
  "author_email",
  "maintainer",
  "maintainer_email",
  "creator_user_id",
  "metadata_created",
  "metadata_modified",
  "owner_org",
  "organization",
  "num_resources",
  "num_tags",
  "tags",
  "groups",
  "extras",
  "resources",
  "relationships_as_object",
  "relationships_as_subject",
];
const RESOURCE_KEYS = [
  "id",
  "package_id",
  "url",
  "url_type",
  "format",
  "name",
  "description",
  "mimetype",
  "mimetype_inner",
  "size",
  "hash",
  "created",
  "last_modified",
  "metadata_modified",
  "position",
  "state",
  "resource_type",
  "cache_url",
  "cache_last_updated",
  "datastore_active",
];
const ORG_KEYS = [
  "id",
  "name",
  "title",
  "display_name",
  "type",
  "description",
  "image_url",
  "image_display_url",
  "created",
  "is_organization",
  "approval_status",
  "state",
  "package_count",
];

describe("CKAN Action API against CKAN 2.10/2.11", () => {
  it("package_show has CKAN's fields and types", async () => {
    const pkg = await get("package_show", { id: "spend-2024-q1" });
    hasKeys("package", pkg, PACKAGE_KEYS);
    assert.equal(pkg.type, "dataset");
    assert.equal(pkg.private, false);
    assert.equal(pkg.isopen, true);
    assert.equal(pkg.num_resources, pkg.resources.length);
    assert.equal(pkg.num_tags, pkg.tags.length);
    assert.ok(pkg.tags.every((t: Json) => typeof t.name === "string"));
    assert.ok(pkg.groups.every((g: Json) => g.name && g.id && g.title));
    assert.ok(
      pkg.extras.every((e: Json) => typeof e.key === "string" && typeof e.value === "string"),
    );
    hasKeys(
      "organization",
      pkg.organization,
      ORG_KEYS.filter((k) => !["display_name", "package_count"].includes(k)),
    );
    assert.equal(pkg.owner_org, pkg.organization.id);
    for (const r of pkg.resources) {
      hasKeys("resource", r, RESOURCE_KEYS);
      assert.equal(r.package_id, pkg.id);
      assert.equal(typeof r.datastore_active, "boolean");
      assert.ok(!Number.isNaN(Date.parse(r.created)));
    }
    for (const k of ["metadata_created", "metadata_modified"])
      assert.ok(!Number.isNaN(Date.parse(pkg[k])));
    // POST with a JSON body (ckanapi's default) answers the same.
    assert.deepEqual(await post("package_show", { id: "spend-2024-q1" }), pkg);
  });

  it("resource_show and organization_show match CKAN's shapes", async () => {
    const res = await get("resource_show", { id: fixture.spend.resource.id });
    hasKeys("resource", res, RESOURCE_KEYS);
    assert.equal(res.datastore_active, true);
    const org = await get("organization_show", { id: "finance-revenues" });
    hasKeys("organization", org, ORG_KEYS);
    assert.equal(org.package_count, 1);
    const withDatasets = await post("organization_show", { id: org.id, include_datasets: true });
    assert.equal(withDatasets.packages[0].name, "spend-2024-q1");
    assert.deepEqual(await get("organization_list"), ["finance-revenues"]);
  });

  it("package_search: count/results/facets/search_facets/sort, fq, facet.field as ckanapi sends it, paging", async () => {
    const all = await get("package_search", {
      "facet.field": JSON.stringify(["tags", "res_format", "organization"]),
      sort: "metadata_modified desc",
    });
    hasKeys("package_search", all, ["count", "results", "facets", "search_facets", "sort"]);
    assert.equal(all.count, 2);
    assert.equal(all.sort, "metadata_modified desc");
    assert.ok(
      Date.parse(all.results[0].metadata_modified) >= Date.parse(all.results[1].metadata_modified),
    );
    assert.equal(all.facets.res_format.CSV, 1);
    // A link is "HTML" in the facet, as in its resource's format.
    assert.equal(all.facets.res_format.HTML, 1);
    assert.equal(all.facets.res_format.LINK, undefined);
    assert.equal(all.facets.tags.spend, 1);
    for (const field of ["tags", "res_format", "organization"]) {
      hasKeys(`search_facets.${field}`, all.search_facets[field], ["title", "items"]);
      for (const item of all.search_facets[field].items)
        hasKeys("facet item", item, ["name", "display_name", "count"]);
    }
    hasKeys("search result", all.results[0], PACKAGE_KEYS);

    const count = async (params: Record<string, string>) =>
      (await get("package_search", params)).count;
    assert.equal(await count({ fq: "tags:spend" }), 1);
    assert.equal(await count({ fq: "tags:meetings" }), 1);
    assert.equal(await count({ fq: "res_format:CSV" }), 1);
    assert.equal(await count({ fq: 'res_format:"CSV"' }), 1);
    assert.equal(await count({ fq: "res_format:HTML" }), 1);
    assert.equal(await count({ fq: "organization:finance-revenues" }), 1);
    assert.equal(await count({ fq: "-organization:finance-revenues" }), 1);
    assert.equal(await count({ q: "tags:spend" }), 1);
    assert.equal(await count({ q: "*:*" }), 2);
    // What CKAN's own front end and harvesters add, and fielded free text.
    assert.equal(await count({ fq: "+dataset_type:dataset" }), 2);
    assert.equal(await count({ fq: "dataset_type:harvest" }), 0);
    assert.equal(await count({ fq: "-state:deleted +capacity:public" }), 2);
    assert.equal(await count({ q: "title:meetings" }), 1);
    const badSort = await ctx.app.inject({
      url: "/api/3/action/package_search?sort=colour%20desc",
    });
    assert.equal(badSort.statusCode, 409);
    assert.equal(badSort.json().success, false);
    assert.match(badSort.json().error.sort[0], /Cannot sort by "colour desc"/);
    const since = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    assert.equal(await count({ fq: `metadata_modified:[${since} TO *]` }), 2);
    assert.equal(await count({ fq: "metadata_modified:[2999-01-01T00:00:00Z TO *]" }), 0);

    // ckanext-harvest's CKAN harvester: sort by id, 1 row at a time until an empty page.
    const seen: string[] = [];
    for (let start = 0; ; start++) {
      const page = await get("package_search", { sort: "id asc", rows: "1", start: String(start) });
      if (!page.results.length) break;
      seen.push(page.results[0].id);
    }
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, 2);

    // POST with lists in a JSON body.
    const posted = await post("package_search", {
      fq: "tags:spend",
      "facet.field": ["tags", "res_format"],
      rows: 5,
      "facet.limit": -1,
    });
    assert.equal(posted.count, 1);
    assert.deepEqual(Object.keys(posted.search_facets).sort(), ["res_format", "tags"]);
  });

  it("datastore_search has CKAN's result fields and its _links.next reads the next page of the same query", async () => {
    const id = fixture.spend.resource.id;
    const filters = JSON.stringify({ ServiceCategoryLabel: "Housing" });
    const first = await get("datastore_search", {
      resource_id: id,
      limit: "2",
      filters,
      sort: "TransactionNumber",
    });
    hasKeys("datastore_search", first, [
      "resource_id",
      "fields",
      "records",
      "total",
      "_links",
      "limit",
      "records_format",
      "include_total",
    ]);
    assert.ok(
      first.fields.every((f: Json) => typeof f.id === "string" && typeof f.type === "string"),
    );
    assert.equal(first.limit, 2);
    assert.deepEqual(first.filters, { ServiceCategoryLabel: "Housing" });
    hasKeys("_links", first._links, ["start", "next"]);
    const next = await ctx.app.inject({ url: first._links.next });
    const second = next.json().result;
    assert.equal(second.offset, 2);
    assert.equal(second.limit, 2);
    assert.ok(second.records.every((r: Json) => r.ServiceCategoryLabel === "Housing"));
    assert.equal(second.total, first.total);
    assert.ok(second.records[0]?.TransactionNumber > first.records[1].TransactionNumber);
    const start = await ctx.app.inject({ url: first._links.start });
    assert.deepEqual(start.json().result.records, first.records);
  });
});
