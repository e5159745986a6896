import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../test/helpers/http.ts";
import { createTestContext, createUser, type TestContext } from "../../../test/helpers/runtime.ts";
import { systemActor } from "../../platform/audit/audit-service.ts";
import { DpiaService } from "./dpia-service.ts";

const idFrom = (location: unknown) => /\/dpia\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? "";

describe("DPIAs: screening, the full DPIA, sign-off and versions", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("keeps a screening that says no DPIA is needed, with its reasons", async () => {
    const { client } = await signedInClient(ctx, []);
    await client.get("/dpia/new");
    const res = await client.post("/dpia", {
      title: "New car park signs",
      description: "Replace signs",
      personalData: "no",
    });
    assert.equal(res.statusCode, 303);
    const page = await client.get(String(res.headers.location));
    assert.match(page.body, /DPIA not needed/);
    assert.match(page.body, /does not involve personal data/);
    const list = await client.get("/dpia");
    assert.match(list.body, /New car park signs/);
  });

  it("refuses bad input with messages, never a 500", async () => {
    const { client } = await signedInClient(ctx, []);
    await client.get("/dpia/new");
    const res = await client.post("/dpia", { yes: ["not-a-question"], serviceAreaId: "nope" });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter the project&#39;s name|Enter the project's name/);
    assert.match(res.body, /Say whether the project involves personal data/);
    const area = await client.post("/dpia", {
      title: "X",
      description: "Y",
      personalData: "no",
      serviceAreaId: "00000000-0000-4000-8000-000000000000",
    });
    assert.equal(area.statusCode, 400);
  });

  it("a project manager screens and writes a DPIA; the DPO signs it off; edits make a new draft", async () => {
    const { client: pm, user: pmUser } = await signedInClient(ctx, []);
    const { client: dpo } = await signedInClient(ctx, ["dpo"]);
    const { client: other } = await signedInClient(ctx, ["caseworker"]);
    await pm.get("/dpia/new");
    const res = await pm.post("/dpia", {
      title: "Single view of the family",
      description: "Match records across children's services, housing and benefits",
      personalData: "yes",
      yes: ["ico-matching", "edpb-sensitive", "edpb-vulnerable"],
    });
    assert.equal(res.statusCode, 303);
    const id = idFrom(res.headers.location);
    let page = await pm.get(`/dpia/${id}`);
    assert.match(page.body, /DPIA required/);
    assert.match(page.body, /ICO list: data matching/);
    assert.match(page.body, /Meets 2 of the criteria/);
    assert.equal((await other.get(`/dpia/${id}`)).statusCode, 403, "not someone else's project");

    assert.equal((await pm.post(`/dpia/${id}/start`, {})).statusCode, 303);
    const steps: Record<string, Record<string, string>> = {
      need: { need: "To find families who need early help" },
      processing: {
        nature: "Nightly matching",
        scope: "40,000 people",
        context: "Residents expect help",
        purposes: "Early help",
      },
      consultation: { consultation: "Residents' panel in March" },
      necessity: { necessity: "Art. 6(1)(e); minimised fields" },
    };
    for (const [step, fields] of Object.entries(steps)) {
      await pm.get(`/dpia/${id}/step/${step}`);
      assert.equal((await pm.post(`/dpia/${id}/step/${step}`, fields)).statusCode, 303, step);
    }
    await pm.get(`/dpia/${id}/risks`);
    const badRisk = await pm.post(`/dpia/${id}/risks`, {
      description: "Wrong match",
      likelihood: "sometimes",
    });
    assert.equal(badRisk.statusCode, 400);
    assert.equal(
      (
        await pm.post(`/dpia/${id}/risks`, {
          description: "A wrong match leads to an intervention",
          riskType: "Inaccurate or out-of-date data",
          likelihood: "possible",
          severity: "severe",
        })
      ).statusCode,
      303,
    );
    const risks = await pm.get(`/dpia/${id}/risks`);
    assert.match(risks.body, /data-qa="risk-matrix"/);
    assert.match(risks.body, />High</);
    const riskId = /\/risks\/([0-9a-f-]{36})"/.exec(risks.body)?.[1];
    assert.ok(riskId);
    await pm.get(`/dpia/${id}/risks/${riskId}`);
    assert.equal(
      (
        await pm.post(`/dpia/${id}/risks/${riskId}`, {
          description: "A wrong match leads to an intervention",
          riskType: "Inaccurate or out-of-date data",
          likelihood: "possible",
          severity: "severe",
          measures: "Clerical review of every match before contact",
          effect: "reduced",
          residual: "high",
          measureApproved: "yes",
        })
      ).statusCode,
      303,
    );
    // Only the DPO gives advice and signs off.
    assert.equal((await pm.get(`/dpia/${id}/sign-off`)).statusCode, 403);
    await dpo.get(`/dpia/${id}/dpo-advice`);
    assert.equal(
      (await dpo.post(`/dpia/${id}/dpo-advice`, { advice: "Proceed with clerical review" }))
        .statusCode,
      303,
    );
    await dpo.get(`/dpia/${id}/sign-off`);
    const signoff = {
      measuresApprovedBy: "Head of Children's Services",
      residualRisksApprovedBy: "SIRO",
      dpoAdviceFollowed: "yes",
      reviewOwner: "Project manager",
      reviewDate: "2027-03-31",
    };
    const noIco = await dpo.post(`/dpia/${id}/sign-off`, signoff);
    assert.equal(noIco.statusCode, 400, "high residual risk needs prior consultation with the ICO");
    assert.match(noIco.body, /Art\. 36/);
    const signed = await dpo.post(`/dpia/${id}/sign-off`, {
      ...signoff,
      icoConsultation: "Submitted 3 March, ref ICO/PC/1",
    });
    assert.equal(signed.statusCode, 303);
    page = await pm.get(`/dpia/${id}`);
    assert.match(page.body, /Version 1/);
    assert.match(page.body, /Signed off/);
    assert.match(page.body, /consult the ICO before the processing starts/);
    const approved = await pm.get("/api/v1/dpias/approved");
    assert.ok(
      approved.json().some((a: { id: string; version: number }) => a.id === id && a.version === 1),
    );
    const ref = (await ctx.services.dpia.get(id))?.reference ?? "";
    assert.equal((await ctx.services.dpia.approvedByReference(ref.toLowerCase()))?.id, id);
    assert.equal((await ctx.services.dpia.approvedByReference(id))?.version, 1);
    assert.equal(await ctx.services.dpia.approvedByReference("DPIA-9999"), undefined);
    assert.equal(await ctx.services.dpia.approvedByReference("nonsense"), undefined);

    // A later edit makes a new draft; version 1 stays as signed off, and the changes are visible.
    await pm.get(`/dpia/${id}/step/need`);
    await pm.post(`/dpia/${id}/step/need`, {
      need: "To find families who need early help, sooner",
    });
    page = await pm.get(`/dpia/${id}`);
    assert.match(page.body, /Draft changes since sign-off/);
    const changes = await pm.get(`/dpia/${id}/versions/draft`);
    assert.match(changes.body, /Identify the need for a DPIA/);
    assert.match(changes.body, /sooner/);
    const v1 = await ctx.services.dpia.versions(id);
    assert.equal(v1.length, 1);
    assert.equal(v1[0].snapshot.content.sections.need, "To find families who need early help");
    await dpo.get(`/dpia/${id}/sign-off`);
    assert.equal(
      (await dpo.post(`/dpia/${id}/sign-off`, { ...signoff, icoConsultation: "As version 1" }))
        .statusCode,
      303,
    );
    assert.equal((await ctx.services.dpia.versions(id)).length, 2);
    const v2 = await pm.get(`/dpia/${id}/versions/2`);
    assert.match(v2.body, /changes since version 1/);

    // The document, to print and for Word.
    const doc = await pm.get(`/dpia/${id}/document?version=1`);
    assert.equal(doc.statusCode, 200);
    assert.match(doc.body, /Measures approved by/);
    const word = await pm.get(`/dpia/${id}/document.docx`);
    assert.match(String(word.headers["content-type"]), /wordprocessingml/);
    assert.equal(word.rawPayload.subarray(0, 4).toString("binary"), "PK\u0003\u0004", "a zip");
    assert.match(word.body, /word\/document\.xml/);
    assert.match(word.body, /Single view of the family/);
    assert.match(word.body, /Prior consultation with the ICO/);

    // Own list vs everyone's; the API the same.
    assert.equal((await pm.get(`/api/v1/dpias/${id}`)).statusCode, 200);
    assert.equal((await other.get(`/api/v1/dpias/${id}`)).statusCode, 403);
    assert.equal(pmUser.id.length, 36);
  });

  it("the DPO edits the questions as a new version; others cannot", async () => {
    const { client: dpo } = await signedInClient(ctx, ["dpo"]);
    const { client: staff } = await signedInClient(ctx, []);
    assert.equal((await staff.get("/dpia/template")).statusCode, 403);
    const before = await ctx.services.dpia.currentTemplate();
    await dpo.get("/dpia/template");
    const res = await dpo.post("/dpia/template", {
      riskTypes: "Unauthorised access\nNew council risk",
      personalDataPolicy: "recommended",
      newText: "Will the project use body-worn cameras?",
      newReference: "Council policy: body-worn video",
      newBasis: "custom-required",
      "remove-ico-genetic": "yes",
    });
    assert.equal(res.statusCode, 303);
    const after = await ctx.services.dpia.currentTemplate();
    assert.equal(after.version, before.version + 1);
    assert.ok(after.content.riskTypes.includes("New council risk"));
    assert.ok(!after.content.questions.some((q) => q.id === "ico-genetic"));
    const custom = after.content.questions.find((q) => q.basis === "custom-required");
    assert.ok(custom);
    const form = await staff.get("/dpia/new");
    assert.match(form.body, /body-worn cameras/);
    const screened = await staff.post("/dpia", {
      title: "Wardens' cameras",
      description: "Body-worn video",
      personalData: "yes",
      yes: [custom.id],
    });
    assert.match((await staff.get(String(screened.headers.location))).body, /DPIA required/);
  });

  it("lists personal data with no DPIA, and reminds once when a review falls due", async () => {
    const { client: ig } = await signedInClient(ctx, ["ig-officer"]);
    const gaps = await ig.get("/dpia/gaps");
    assert.equal(gaps.statusCode, 200);
    assert.match(gaps.body, /Wardens&#39; cameras|Wardens' cameras/);
    const dpo = await createUser(ctx, ["dpo"]);
    await ctx.services.organisation.setGovernanceRole(systemActor, "dpo", {
      holderName: dpo.displayName,
      holderTitle: "DPO",
      userId: dpo.id,
    });
    const later = new DpiaService(
      ctx.services.db,
      ctx.services.audit,
      ctx.services.mail,
      ctx.services.users,
      ctx.services.organisation,
      {
        publicUrl: "http://localhost",
        now: () => new Date("2027-03-10T09:00:00Z"),
      },
    );
    assert.ok((await later.sendReviewReminders()) >= 1);
    assert.equal(await later.sendReviewReminders(), 0, "each reminder once");
    const mail = await ctx.services.mail.outbox(50);
    assert.ok(mail.some((m) => m.to === dpo.email && /review due/.test(m.subject)));
  });
});
