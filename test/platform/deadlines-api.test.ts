import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

describe("GET /api/v1/deadlines", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());
  const get = (q: string) => ctx.app.inject({ method: "GET", url: `/api/v1/deadlines?${q}` });

  it("works out an FOI deadline over Christmas, skipping the Scottish 2 January", async () => {
    const res = await get("type=foi&received=2025-12-15");
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.due, "2026-01-16");
    assert.match(body.explanation, /working day/i);
    assert.ok(body.skipped.some((s: { date: string }) => s.date === "2026-01-02"));
  });

  it("applies the extension and the SAR month-end rule", async () => {
    assert.equal(
      (await get("type=eir&received=2026-03-02&extended=true")).json().due,
      (await get("type=foi&received=2026-03-02&extended=true")).json().due,
    );
    assert.equal((await get("type=sar&received=2025-01-31")).json().due, "2025-02-28");
  });

  it("answers unknown types and impossible dates with problem+json 400", async () => {
    for (const q of [
      "type=fio&received=2026-01-05",
      "type=foi&received=2026-02-30",
      "type=foi",
      "type=foi&received=2026-01-05&extended=maybe",
    ]) {
      const res = await get(q);
      assert.equal(res.statusCode, 400, q);
      assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
      assert.ok(res.json().detail, q);
    }
  });
});
