import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_TEMPLATE, riskLevel, screen } from "./template.ts";

describe("DPIA screening", () => {
  const t = DEFAULT_TEMPLATE;

  it("is not needed without personal data, and says why", () => {
    const r = screen(t, false, ["art35-special"]);
    assert.equal(r.result, "not-needed");
    assert.match(r.reasons[0], /does not involve personal data/);
  });

  it("requires a DPIA for any Art. 35(3) trigger", () => {
    const r = screen(t, true, ["art35-monitoring"]);
    assert.equal(r.result, "required");
    assert.match(r.reasons.join(" "), /Art\. 35\(3\)\(c\)/);
  });

  it("requires a DPIA for data matching (ICO list)", () => {
    const r = screen(t, true, ["ico-matching"]);
    assert.equal(r.result, "required");
    assert.match(r.reasons.join(" "), /data matching/);
  });

  it("requires a DPIA for two EDPB criteria, recommends one for one", () => {
    assert.equal(screen(t, true, ["edpb-sensitive", "edpb-vulnerable"]).result, "required");
    const one = screen(t, true, ["edpb-sensitive"]);
    assert.equal(one.result, "recommended");
    assert.equal(one.criteriaMet, 1);
  });

  it("counts innovative technology on its own as one criterion, and requires a DPIA with another", () => {
    assert.equal(screen(t, true, ["ico-innovative"]).result, "recommended");
    const both = screen(t, true, ["ico-innovative", "edpb-large-scale"]);
    assert.equal(both.result, "required");
    assert.match(both.reasons.join(" "), /with a high-risk criterion/);
  });

  it("follows the council's policy when nothing indicates high risk", () => {
    assert.equal(screen(t, true, []).result, "recommended");
    const lenient = screen({ ...t, personalDataPolicy: "not-needed" }, true, []);
    assert.equal(lenient.result, "not-needed");
    assert.match(lenient.reasons[0], /Keep this screening/);
  });

  it("scores risk on the ICO matrix", () => {
    assert.equal(riskLevel("remote", "minimal"), "low");
    assert.equal(riskLevel("remote", "significant"), "low");
    assert.equal(riskLevel("remote", "severe"), "medium");
    assert.equal(riskLevel("possible", "significant"), "medium");
    assert.equal(riskLevel("probable", "minimal"), "medium");
    assert.equal(riskLevel("possible", "severe"), "high");
    assert.equal(riskLevel("probable", "severe"), "high");
  });
});
