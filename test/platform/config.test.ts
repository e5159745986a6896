import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, describeSettings, loadConfig } from "../../src/config.ts";

describe("configuration", () => {
  it("has documented defaults", () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 3000);
    assert.equal(c.HOST, "localhost");
    assert.equal(c.STEWARD_DATA_DIR, "./data");
    assert.equal(c.DATABASE_URL, undefined);
    assert.match(describeSettings(), /PORT\s+Port the web server listens on\. Default: 3000\./);
  });

  it("stops production start-up without a session secret, with a clear message", () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: "production" }),
      (e: Error) => e instanceof ConfigError && /SESSION_SECRET/.test(e.message),
    );
    assert.ok(loadConfig({ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }));
  });

  it("lists every bad setting at once", () => {
    assert.throws(
      () => loadConfig({ PORT: "eighty", DATABASE_URL: "not a url", DEMO_DATA: "perhaps" }),
      (e: Error) =>
        /PORT/.test(e.message) && /DATABASE_URL/.test(e.message) && /DEMO_DATA/.test(e.message),
    );
  });
});
