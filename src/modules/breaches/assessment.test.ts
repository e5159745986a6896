import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AssessmentFacts, assess } from "./assessment.ts";

const facts = (over: Partial<AssessmentFacts> = {}): AssessmentFacts => ({
  dataCategories: [],
  subjectTypes: [],
  likelihood: null,
  severity: null,
  encrypted: null,
  recovered: null,
  peopleCount: null,
  ...over,
});

describe("the breach recommendation", () => {
  it("assumes the worst plausible until facts are in, and says so", () => {
    const a = assess(facts());
    assert.equal(a.risk, "medium");
    assert.equal(a.outcome, "report-to-ico");
    assert.equal(a.assumptions.length, 2);
  });

  it("does not report minimal consequences, however likely", () => {
    const a = assess(
      facts({ likelihood: "very-likely", severity: "minimal", dataCategories: ["identifiers"] }),
    );
    assert.equal(a.outcome, "not-reportable");
    assert.match(a.reasons.join(" "), /unlikely to result in a risk/);
  });

  it("reports special category data and tells people when harm is probable", () => {
    const a = assess(
      facts({ likelihood: "likely", severity: "minimal", dataCategories: ["health"] }),
    );
    assert.equal(a.severity, "significant");
    assert.equal(a.outcome, "report-and-tell-people");
    assert.match(a.reasons.join(" "), /health data/);
  });

  it("raises severity for children and vulnerable adults", () => {
    const a = assess(
      facts({ likelihood: "neutral", severity: "significant", subjectTypes: ["children"] }),
    );
    assert.equal(a.severity, "severe");
    assert.equal(a.outcome, "report-and-tell-people");
  });

  it("an encrypted lost laptop is not reportable", () => {
    const a = assess(
      facts({
        likelihood: "likely",
        severity: "significant",
        dataCategories: ["identifiers", "financial"],
        encrypted: "yes",
      }),
    );
    assert.equal(a.likelihood, "remote");
    assert.equal(a.outcome, "not-reportable");
    assert.match(a.reasons.join(" "), /Art\. 34\(3\)\(a\)/);
  });

  it("an unencrypted lost laptop with social care records is reported and people told", () => {
    const a = assess(
      facts({
        likelihood: "neutral",
        severity: "significant",
        dataCategories: ["identifiers", "health"],
        subjectTypes: ["vulnerable-adults"],
        encrypted: "no",
        peopleCount: 212,
      }),
    );
    assert.equal(a.outcome, "report-and-tell-people");
  });

  it("severe harm is reported even when remote, but people need not be told", () => {
    const a = assess(facts({ likelihood: "very-unlikely", severity: "severe" }));
    assert.equal(a.outcome, "report-to-ico");
  });

  it("recovery lowers the likelihood one band", () => {
    const a = assess(facts({ likelihood: "likely", severity: "significant", recovered: true }));
    assert.equal(a.likelihood, "possible");
    assert.equal(a.outcome, "report-to-ico");
  });

  it("suggests a public notice when very many are affected and risk is high", () => {
    const a = assess(facts({ likelihood: "likely", severity: "severe", peopleCount: 25_000 }));
    assert.match(a.reasons.join(" "), /public communication/);
  });
});
