import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { signedInClient, type TestClient } from "../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";

const SOURCE = "/work/shared/data/linkage/fake_1000.csv";

let ctx: TestContext;
let dir: string;
let analyst: { client: TestClient; user: { id: string; email: string } };
let viewer: { client: TestClient; user: { id: string; email: string } };
let outsider: { client: TestClient; user: { id: string; email: string } };
let csv: Buffer;

/** A DPIA screened, written and signed off in the register, as the DPO would. */
async function approvedDpiaReference(test: TestContext): Promise<string> {
  const { dpia } = test.services;
  const actor = { actorId: null, actorLabel: "test" };
  const who = { id: analyst.user.id, name: "Analyst" };
  const screened = await dpia.screenProject(actor, who, {
    title: "Matching council tax and electoral register",
    description: "Single-person discount review",
    serviceAreaId: null,
    personalData: true,
    yes: ["ico-matching", "edpb-matching", "edpb-large-scale"],
    notes: null,
  });
  await dpia.start(actor, screened.id);
  await dpia.saveSections(actor, screened.id, {
    need: "Find discounts claimed wrongly.",
    nature: "Batch matching in Steward with clerical review.",
    scope: "Council tax accounts and the electoral register.",
    context: "Residents are told in the privacy notice.",
    purposes: "Protect public funds.",
    consultation: "Revenues team.",
    necessity: "Art. 6(1)(e); minimum fields.",
  });
  await dpia.saveRisk(actor, screened.id, null, {
    description: "A false match",
    riskType: "Inaccurate or out-of-date data",
    likelihood: "possible",
    severity: "significant",
    measures: "Every match reviewed before contact",
    effect: "reduced",
    residual: "low",
    measureApproved: true,
  });
  await dpia.saveDpoAdvice(actor, screened.id, "DPO", "Proceed with clerical review.");
  await dpia.signOff(actor, screened.id, who, {
    measuresApprovedBy: "Head of Revenues",
    residualRisksApprovedBy: "SIRO",
    dpoAdviceFollowed: true,
    overruledReason: null,
    consultationReviewedBy: null,
    reviewOwner: "Group Manager",
    reviewDate: new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10),
    icoConsultation: null,
  });
  const approved = await dpia.approved();
  const found = approved.find((a) => a.id === screened.id);
  assert.ok(found, "the DPIA is signed off");
  return found.reference;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "steward-matching-"));
  ctx = await createTestContext({ STEWARD_DATA_DIR: dir, dataDir: dir });
  analyst = await signedInClient(ctx, ["analyst"]);
  viewer = await signedInClient(ctx, ["ig-officer"]);
  outsider = await signedInClient(ctx, ["analyst"]);
  const copy = join(dir, "fake_1000.csv");
  copyFileSync(SOURCE, copy);
  csv = readFileSync(copy);
});

after(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

function cookieOf(client: TestClient): string {
  return (client as unknown as { cookieHeader: string }).cookieHeader;
}

async function upload(client: TestClient, projectId: string, fileName: string, data: Buffer) {
  const boundary = "----stewardmatching";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return ctx.app.inject({
    method: "POST",
    url: `/matching/${projectId}/datasets?_csrf=${encodeURIComponent(client.csrf)}`,
    payload: body,
    headers: {
      cookie: cookieOf(client),
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
  });
}

const baseForm = () => ({
  name: "Council Tax discounts against the electoral register",
  purpose: "Find single-person discounts where another adult is registered",
  lawfulBasis: "public-task",
  dpiaReference: "",
  idColumn: "unique_id",
  viewerEmails: "",
  "deleteResultsOn-day": "31",
  "deleteResultsOn-month": "12",
  "deleteResultsOn-year": "2099",
});

describe("matching projects", () => {
  let projectId: string;
  let runId: string;
  let pairKey: string;

  it("a project without a DPIA reference cannot run", async () => {
    await analyst.client.get("/matching/new");
    const created = await analyst.client.post("/matching", {
      ...baseForm(),
      viewerEmails: viewer.user.email,
    });
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    projectId = String(created.headers.location).split("/")[2].split("?")[0];
    await analyst.client.get(`/matching/${projectId}`);
    const up = await upload(analyst.client, projectId, "people.csv", csv);
    assert.equal(up.statusCode, 303, up.body.slice(0, 500));
    const page = await analyst.client.get(`/matching/${projectId}`);
    assert.match(page.body, /Record the DPIA that covers this matching/);
    const start = await analyst.client.post(`/matching/${projectId}/runs`, {});
    assert.equal(start.statusCode, 400);
    assert.match(start.body, /There is a problem/);
    assert.match(start.body, /Record the DPIA/);
    assert.equal((await ctx.services.matching.runs(projectId)).length, 0);
  });

  it("refuses bad input with messages, never a 500", async () => {
    await analyst.client.get("/matching/new");
    const bad = await analyst.client.post("/matching", {
      ...baseForm(),
      name: "",
      lawfulBasis: "nonsense",
      "deleteResultsOn-day": "31",
      "deleteResultsOn-month": "2",
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a name for the project/);
    const unknown = await analyst.client.post("/matching", {
      ...baseForm(),
      viewerEmails: "nobody@example.gov.uk",
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /no account with the email address/);
    await analyst.client.get(`/matching/${projectId}`);
    const notCsv = await upload(analyst.client, projectId, "people.txt", Buffer.from("a,b\n1,2\n"));
    assert.equal(notCsv.statusCode, 400);
    assert.match(notCsv.body, /must be a CSV or Parquet/);
    assert.equal((await analyst.client.get("/matching/not-a-uuid")).statusCode, 404);
    assert.equal(
      (await viewer.client.get(`/matching/${projectId}/runs/x/pairs/1-2`)).statusCode,
      404,
    );
  });

  it("will not run under a DPIA that is not signed off in the register", async () => {
    await analyst.client.get(`/matching/${projectId}/edit`);
    await analyst.client.post(`/matching/${projectId}`, {
      ...baseForm(),
      dpiaReference: "DPIA-2025-014",
      viewerEmails: viewer.user.email,
    });
    await analyst.client.get(`/matching/${projectId}`);
    const refused = await analyst.client.post(`/matching/${projectId}/runs`, {});
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /not a signed-off DPIA in the DPIA register/);
  });

  it("a run on a small file completes through the job and produces pairs", async () => {
    const reference = await approvedDpiaReference(ctx);
    await analyst.client.get(`/matching/${projectId}/edit`);
    const saved = await analyst.client.post(`/matching/${projectId}`, {
      ...baseForm(),
      dpiaReference: reference,
      viewerEmails: viewer.user.email,
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    await analyst.client.get(`/matching/${projectId}`);
    const start = await analyst.client.post(`/matching/${projectId}/runs`, {});
    assert.equal(start.statusCode, 303, start.body.slice(0, 800));
    runId = String(start.headers.location).split("/").pop() as string;
    const queued = await analyst.client.get(`/matching/${projectId}/runs/${runId}`);
    assert.match(queued.body, /Refresh to see progress/);
    while (await ctx.services.jobs.runOne()) {}
    const run = await ctx.services.matching.run(projectId, runId);
    assert.equal(run?.status, "done", run?.error ?? "");
    assert.ok((run?.metrics?.pairsAtHalf ?? 0) > 100, "pairs found");
    assert.ok(run?.resultsDir && existsSync(join(run.resultsDir, "scored.parquet")));
    assert.ok(run.resultsDir.startsWith(join(dir, "matching", projectId)));
    const job = await ctx.services.jobs.status(run.jobId as string);
    assert.equal(job?.status, "done");
    assert.equal(job?.progress, 100);
    const page = await analyst.client.get(`/matching/${projectId}/runs/${runId}`);
    assert.match(page.body, /Pairs at probability 0.5 or more/);
  });

  it("a non-viewer gets 403; named viewers and the DPO see results", async () => {
    for (const path of ["results", "review", "pairs/0-1"]) {
      const res = await outsider.client.get(`/matching/${projectId}/runs/${runId}/${path}`);
      assert.equal(res.statusCode, 403, path);
    }
    const otherIg = await signedInClient(ctx, ["ig-officer"]);
    assert.equal(
      (await otherIg.client.get(`/matching/${projectId}/runs/${runId}/results`)).statusCode,
      403,
    );
    const dpo = await signedInClient(ctx, ["dpo"]);
    assert.equal(
      (await dpo.client.get(`/matching/${projectId}/runs/${runId}/results`)).statusCode,
      200,
    );
    const staff = await signedInClient(ctx, []);
    assert.equal((await staff.client.get("/matching")).statusCode, 403);
  });

  it("results are pseudonymised until revealed, and the reveal is audited", async () => {
    const results = await viewer.client.get(`/matching/${projectId}/runs/${runId}/results`);
    assert.equal(results.statusCode, 200);
    assert.match(results.body, /P-[0-9a-f]{10}/);
    assert.match(results.body, /Match weight distribution/);
    assert.match(results.body, /<svg/);
    const views = await ctx.services.audit.search({ action: "view", entityType: "matching-run" });
    assert.ok(views.events.some((e) => e.actorId === viewer.user.id));

    const queue = await viewer.client.get(`/matching/${projectId}/runs/${runId}/review`);
    assert.equal(queue.statusCode, 200);
    const link = /\/pairs\/(\d+-\d+)/.exec(queue.body) ?? /\/pairs\/(\d+-\d+)/.exec(results.body);
    assert.ok(link, "a pair to open");
    pairKey = link[1];
    const url = `/matching/${projectId}/runs/${runId}/pairs/${pairKey}`;
    const masked = await viewer.client.get(url);
    assert.equal(masked.statusCode, 200);
    assert.match(masked.body, /Waterfall/);
    assert.match(masked.body, /•/);

    const project = await ctx.services.matching.project(projectId);
    const run = await ctx.services.matching.run(projectId, runId);
    assert.ok(project && run);
    const found = await ctx.services.matching.pair(
      { actorId: null, actorLabel: "test" },
      project,
      run,
      pairKey,
    );
    assert.ok(found);
    const { pair } = found;
    assert.doesNotMatch(
      masked.body,
      new RegExp(`<dd class="govuk-summary-list__value">\\s*${pair.leftId}\\s*</dd>`),
    );

    const noReason = await viewer.client.post(`${url}/reveal`, { reason: "" });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Enter why you need to see/);
    const revealed = await viewer.client.post(`${url}/reveal`, {
      reason: "Checking a discount review case 123",
    });
    assert.equal(revealed.statusCode, 200);
    assert.match(revealed.body, /Revealed: your reason is recorded/);
    assert.ok(revealed.body.includes(`${pair.leftId} (${pair.leftPseudonym})`));
    const reveals = await ctx.services.audit.search({ action: "reveal" });
    const entry = reveals.events.find((e) => e.actorId === viewer.user.id);
    assert.ok(entry, "reveal audited");
    assert.match(entry.summary ?? "", /Checking a discount review case 123/);
  });

  it("review decisions are stored and become labels", async () => {
    const url = `/matching/${projectId}/runs/${runId}/pairs/${pairKey}`;
    await viewer.client.get(url);
    const none = await viewer.client.post(`${url}/review`, {});
    assert.equal(none.statusCode, 400);
    const res = await viewer.client.post(`${url}/review`, { decision: "match", note: "Same DOB" });
    assert.equal(res.statusCode, 303);
    const reviews = await ctx.services.matching.reviews(projectId);
    assert.equal(reviews.length, 1);
    assert.equal(reviews[0].decision, "match");
    assert.equal(reviews[0].note, "Same DOB");
    // Change of mind replaces the decision.
    await viewer.client.get(url);
    await viewer.client.post(`${url}/review`, { decision: "not-a-match" });
    assert.equal((await ctx.services.matching.reviews(projectId))[0].decision, "not-a-match");
    const reviewed = await ctx.services.audit.search({ action: "review" });
    assert.equal(reviewed.events.length, 2);
    // A second, matching decision gives labels of both kinds: evaluation runs against them.
    const queue = await viewer.client.get(`/matching/${projectId}/runs/${runId}/results`);
    const other = [...queue.body.matchAll(/\/pairs\/(\d+-\d+)/g)]
      .map((m) => m[1])
      .find((k) => k !== pairKey);
    assert.ok(other);
    await viewer.client.get(`/matching/${projectId}/runs/${runId}/pairs/${other}`);
    await viewer.client.post(`/matching/${projectId}/runs/${runId}/pairs/${other}/review`, {
      decision: "match",
    });
    const results = await viewer.client.get(`/matching/${projectId}/runs/${runId}/results`);
    assert.match(results.body, /Precision against recall/);
  });

  it("the deletion job removes results past their date and audits it", async () => {
    const folder = join(dir, "matching", projectId);
    assert.ok(existsSync(folder));
    await ctx.services.db
      .updateTable("matching_projects")
      .set({ delete_results_on: "2000-01-01" })
      .where("id", "=", projectId)
      .execute();
    await ctx.services.jobs.enqueue("matching.delete-due");
    while (await ctx.services.jobs.runOne()) {}
    assert.equal(existsSync(folder), false);
    const project = await ctx.services.matching.project(projectId);
    assert.equal(project?.status, "deleted");
    assert.equal((await ctx.services.matching.reviews(projectId)).length, 0);
    const run = await ctx.services.matching.run(projectId, runId);
    assert.equal(run?.status, "deleted");
    assert.equal(run?.resultsDir, null);
    const deletions = await ctx.services.audit.search({
      action: "delete",
      entityType: "matching-project",
      entityId: projectId,
    });
    assert.ok(deletions.events.some((e) => /deleted on their date/.test(e.summary ?? "")));
    const gone = await viewer.client.get(`/matching/${projectId}/runs/${runId}/results`);
    assert.equal(gone.statusCode, 404);
    const page = await analyst.client.get(`/matching/${projectId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /were deleted/);
  });
});
