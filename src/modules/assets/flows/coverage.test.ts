import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { signedInClient } from "../../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import { processorInput } from "../../obligations/processors/processors-service.ts";
import { agreementInput } from "../../obligations/sharing/sharing-service.ts";
import type { Flow } from "./flows-service.ts";

const actor = { actorId: null, actorLabel: "test" };

describe("the flow map knows which flows an agreement or contract covers", () => {
  let ctx: TestContext;
  let police: Flow;
  let lapsed: Flow;
  let payroll: Flow;
  let internal: Flow;
  let policeDsa: string;
  let oldDsa: string;
  let contract: string;

  before(async () => {
    ctx = await createTestContext();
    const { sharing, processors, flows, organisation } = ctx.services;
    const area = await organisation.addServiceArea(actor, {
      name: "Housing",
      directorate: "Place",
      headOfService: null,
    });
    const partner = (name: string) =>
      sharing.addPartner(actor, { name, kind: "other", contactName: null, contactEmail: null });
    const agreement = (title: string, partnerId: string, dates: Record<string, string>) =>
      sharing.saveAgreement(
        actor,
        agreementInput.parse({
          title,
          partnerIds: [partnerId],
          purpose: "Safeguarding",
          lawfulBasis: "public-task",
          dataItems: "Names and addresses",
          status: "active",
          ...dates,
        }),
      );
    policeDsa = await agreement("Police information sharing", await partner("Essex Police"), {
      startDate: "2020-01-01",
    });
    oldDsa = await agreement("Tenancy checks", await partner("Old Lettings Ltd"), {
      startDate: "2018-01-01",
      endDate: "2021-12-31",
    });
    contract = await processors.save(
      actor,
      processorInput.parse({
        name: "Acme Payroll Services",
        contractReference: "C-2291",
        contractStart: "2022-04-01",
      }),
    );
    const flow = (name: string, extra: Record<string, unknown>) =>
      flows.create(actor, {
        name,
        fromKind: "service",
        fromServiceAreaId: area.id,
        personalData: "yes",
        dataCategories: ["identity"],
        encryptedInTransit: "yes",
        method: "secure-email",
        ...extra,
      });
    police = await flow("Referrals to the police", {
      toKind: "partner",
      toPartner: "essex police",
    });
    lapsed = await flow("Tenant checks", { toKind: "partner", toPartner: "Old Lettings Ltd" });
    payroll = await flow("Payroll file", {
      toKind: "partner",
      toPartner: "Acme Payroll",
      agreement: "Contract C-2291 (see the payroll file)",
    });
    internal = await flow("Rota between teams", {
      toKind: "service",
      toServiceAreaId: area.id,
      personalData: "no",
      dataCategories: [],
    });
  });
  after(() => ctx.close());

  it("asks the registers: covered, expired, not covered, or not needed", async () => {
    const { flows } = ctx.services;
    const cover = async (f: Flow) => (await flows.get(f.id))?.coverage;
    const p = await cover(police);
    assert.equal(p?.status, "covered", "an agreement in force with the partner, whatever the case");
    assert.equal(p?.covering[0].id, policeDsa);
    assert.equal(p?.covering[0].href, `/obligations/sharing/agreements/${policeDsa}`);
    const l = await cover(lapsed);
    assert.equal(l?.status, "expired");
    assert.equal(l?.lapsed[0].id, oldDsa);
    const pay = await flows.get(payroll.id);
    assert.equal(pay?.coverage?.status, "not-covered", "free text alone covers nothing");
    assert.ok(pay?.risks.includes("No sharing agreement or contract"));
    assert.equal(pay?.agreement, "Contract C-2291 (see the payroll file)", "the text is kept");
    assert.equal((await cover(internal))?.status, "not-needed");
    assert.ok(
      (await flows.get(lapsed.id))?.risks.includes("Sharing agreement or contract has expired"),
    );

    const ids = async (filter: Parameters<typeof flows.list>[0]) =>
      (await flows.list(filter)).items.map((f) => f.name).sort();
    assert.deepEqual(await ids({ noAgreement: true }), ["Payroll file", "Tenant checks"]);
    assert.deepEqual(await ids({ cover: "expired" }), ["Tenant checks"]);
    assert.deepEqual(await ids({ cover: "covered" }), ["Referrals to the police"]);
    assert.deepEqual(await ids({ atRisk: true }), ["Payroll file", "Tenant checks"]);
    const map = await flows.mapLinks({}, 120);
    assert.equal(
      map.links.reduce((n, x) => n + x.notCovered, 0),
      1,
    );
    assert.equal(
      map.links.reduce((n, x) => n + x.expired, 0),
      1,
    );
  });

  it("shows it in the map's table and drawing, in words as well as colour", async () => {
    const { client } = await signedInClient(ctx, ["asset-owner"]);
    const page = await client.get("/flows/map");
    assert.equal(page.statusCode, 200);
    const start = page.body.indexOf('<svg xmlns="http://www.w3.org/2000/svg" role="img"');
    const svg = page.body.slice(start, page.body.indexOf("</svg>", start));
    assert.match(svg, /✕ No agreement/);
    assert.match(svg, /! Agreement expired/);
    assert.match(
      page.body,
      /Agreement expired: the agreement or contract that covered it has ended/,
    );
    assert.match(
      page.body,
      /1 flow of personal data with another organisation or abroad has no agreement/,
    );
    assert.match(page.body, /No current agreement or contract/);
    assert.match(page.body, /Written on the flow: Contract C-2291/);
    assert.match(page.body, new RegExp(`href="/obligations/sharing/agreements/${policeDsa}"`));
    const filtered = await client.get("/flows/map?agreement=expired");
    assert.match(filtered.body, /Tenant checks/);
    assert.doesNotMatch(filtered.body, /Payroll file/);
    // Only the registers' keepers link flows; an asset owner sees no form and is refused.
    const flowPage = await client.get(`/flows/${payroll.id}`);
    assert.doesNotMatch(flowPage.body, /data-qa="link-agreement"/);
    assert.equal(
      (await client.post(`/flows/${payroll.id}/agreements`, { register: `contract:${contract}` }))
        .statusCode,
      403,
    );
  });

  it("lets an IG officer link a flow to an agreement or contract chosen from the registers, audited", async () => {
    const { client } = await signedInClient(ctx, ["ig-officer"]);
    const page = await client.get(`/flows/${payroll.id}`);
    assert.match(page.body, /data-qa="link-agreement"/);
    assert.match(page.body, new RegExp(`value="contract:${contract}"`));
    assert.match(page.body, /No current data-sharing agreement or processor contract covers/);

    const empty = await client.post(`/flows/${payroll.id}/agreements`, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /There is a problem/);
    assert.match(empty.body, /href="#register"/);
    assert.match(empty.body, /Select an agreement or contract from the register/);
    const unknown = await client.post(`/flows/${payroll.id}/agreements`, {
      register: "contract:00000000-0000-4000-8000-000000000000",
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /Select an agreement or contract from the register/);
    const noCsrf = await client.post(
      `/flows/${payroll.id}/agreements`,
      { register: `contract:${contract}` },
      { csrf: null },
    );
    assert.equal(noCsrf.statusCode, 403);

    const ok = await client.post(`/flows/${payroll.id}/agreements`, {
      register: `contract:${contract}`,
    });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
    const linked = await ctx.services.flows.get(payroll.id);
    assert.equal(linked?.coverage?.status, "covered");
    assert.equal(linked?.coverage?.covering[0].href, `/obligations/processors/${contract}`);
    assert.deepEqual(linked?.risks, []);
    const after = await client.get(`/flows/${payroll.id}?done=linked`);
    assert.match(after.body, /Agreement or contract linked/);
    assert.match(after.body, /Written on the flow: Contract C-2291/);
    assert.match(after.body, /data-qa="linked-agreements"/);
    // The processor's page lists the flow its contract now covers.
    const processorPage = await client.get(`/obligations/processors/${contract}`);
    assert.equal(processorPage.statusCode, 200);
    const coveredByContract = processorPage.body.slice(
      processorPage.body.indexOf('data-qa="covered-flows"'),
    );
    assert.ok(processorPage.body.includes('data-qa="covered-flows"'));
    assert.match(coveredByContract, new RegExp(`href="/flows/${payroll.id}"`));

    // An agreement in force linked to a flow covers it, though the flow names another partner.
    await client.post(`/flows/${lapsed.id}/agreements`, { register: `agreement:${policeDsa}` });
    assert.equal((await ctx.services.flows.get(lapsed.id))?.coverage?.status, "covered");
    const dsa = await client.get(`/obligations/sharing/agreements/${policeDsa}`);
    assert.equal(dsa.statusCode, 200);
    const covered = dsa.body.slice(dsa.body.indexOf('data-qa="covered-flows"'));
    assert.match(covered, /Referrals to the police/);
    assert.match(covered, /Tenant checks/);
    const removed = await client.post(`/flows/${lapsed.id}/agreements/remove`, {
      register: `agreement:${policeDsa}`,
    });
    assert.equal(removed.statusCode, 303);
    assert.equal((await ctx.services.flows.get(lapsed.id))?.coverage?.status, "expired");
    const old = await client.get(`/obligations/sharing/agreements/${oldDsa}`);
    assert.match(old.body, /It covers no data flow today: it is expired/);

    const history = await ctx.services.audit.search({
      entityType: "data-flow",
      entityId: lapsed.id,
      limit: 10,
    });
    const actions = history.events.map((e) => e.action);
    assert.ok(actions.includes("link-flow") && actions.includes("unlink-flow"), actions.join());
    const onContract = await ctx.services.audit.search({
      entityType: "processor",
      entityId: contract,
      action: "link-flow",
    });
    assert.equal(onContract.events.length, 1);
    assert.equal((await ctx.services.audit.verify()).ok, true);
  });
});
