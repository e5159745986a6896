import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { dereference, validate } from "@readme/openapi-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createTestContext, createUser, type TestContext } from "../helpers/runtime.ts";
import { publishCatalogue } from "./fixtures.ts";

/**
 * /api/v1/openapi.json checked by a real OpenAPI 3.1 validator (@readme/openapi-parser), then real answers
 * checked against the response schemas the document declares (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { in: string; name: string; required?: boolean }[];
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};

let ctx: TestContext;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
let token: string;

before(async () => {
  ctx = await createTestContext();
  await publishCatalogue(ctx);
  const user = await createUser(ctx, ["administrator", "dpo", "ig-officer"]);
  ({ token } = await ctx.services.apiTokens.create(
    { actorId: null, actorLabel: "test" },
    user.id,
    "standards",
    1,
  ));
  const res = await ctx.app.inject({ url: "/api/v1/openapi.json" });
  assert.equal(res.statusCode, 200);
  doc = res.json();
});
after(() => ctx.close());

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats.default(ajv);

describe("OpenAPI 3.1 document", () => {
  it("is valid OpenAPI according to @readme/openapi-parser", async () => {
    assert.match(doc.openapi, /^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.deepEqual(result.warnings, []);
  });

  it("describes real answers: GET endpoints, public and with an API token, match their response schemas", async () => {
    const deref = (await dereference(structuredClone(doc) as never)) as unknown as typeof doc;
    const slugs = ["spend-2024-q1"];
    const dataset = await ctx.app.inject({ url: "/api/v1/open-data/datasets/spend-2024-q1" });
    const resourceId = dataset.json().resources?.[0]?.id as string | undefined;
    const fill: Record<string, string | undefined> = {
      slug: slugs[0],
      id: resourceId,
      name: "package_search",
    };
    const checked: string[] = [];
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(deref.paths)) {
      const op = ops.get;
      if (!op) continue;
      const params = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      if (params.some((p) => !fill[p])) continue;
      // An {id} other than an open-data resource's is skipped: the fixture has no such record.
      if (params.includes("id") && !path.includes("/open-data/resources/")) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(fill[p] ?? ""));
      for (const auth of [false, true]) {
        const res = await ctx.app.inject({
          url,
          headers: auth ? { authorization: `Bearer ${token}` } : {},
        });
        if (!auth && (res.statusCode === 401 || res.statusCode === 403)) continue;
        const declared = op.responses?.[String(res.statusCode)] ?? op.responses?.default;
        if (!declared) {
          problems.push(`${url}: ${res.statusCode} is not a declared response`);
          continue;
        }
        const type = String(res.headers["content-type"] ?? "").split(";")[0];
        const media = declared.content?.[type] ?? declared.content?.["application/json"];
        if (!media?.schema) continue;
        const check = ajv.compile(media.schema);
        if (!check(res.json()))
          problems.push(`${url} (${res.statusCode}): ${ajv.errorsText(check.errors)}`);
        checked.push(`${auth ? "token" : "public"} ${url} ${res.statusCode}`);
      }
    }
    if (process.env.SHOW_CHECKED) console.log(checked.join("\n"));
    assert.deepEqual(problems, []);
    assert.ok(checked.length >= 20, checked.join("\n"));
    assert.ok(checked.some((c) => c.startsWith("public /api/v1/open-data/datasets 200")));
    assert.ok(checked.some((c) => c.startsWith("token /api/v1/me 200")));
  });
});
