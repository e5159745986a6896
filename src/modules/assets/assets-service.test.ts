import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestContext, createUser, type TestContext } from "../../../test/helpers/runtime.ts";
import { addMonths, today } from "./assets-service.ts";
import { RegisterConflictError, RegisterInputError } from "./errors.ts";

const ctxActor = { actorId: null, actorLabel: "test" };

export function assetInput(overrides: Record<string, unknown> = {}) {
  return {
    name: "Adult social care case records",
    assetType: "system",
    format: "electronic",
    marking: "official-sensitive",
    holdsPersonalData: true,
    dataSubjectCategories: ["adults-receiving-care", "parents-carers"],
    personalDataCategories: ["identity", "contact", "health"],
    lawfulBases: ["public-task"],
    specialConditions: ["health-social-care"],
    ...overrides,
  };
}

describe("AssetsService", () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it("adds an asset with a generated reference, a review date a year on, and an audit record", async () => {
    const owner = await createUser(ctx, ["asset-owner"]);
    const area = await ctx.services.organisation.addServiceArea(ctxActor, {
      name: "Adult Social Care",
      directorate: "People",
      headOfService: null,
    });
    const asset = await ctx.services.assets.create(
      ctxActor,
      assetInput({ ownerId: owner.id, serviceAreaId: area.id }),
    );
    assert.match(asset.reference, /^IA-\d{4}$/);
    assert.equal(asset.reviewDue, addMonths(today(), 12));
    assert.equal(asset.specialCategory, true);
    assert.equal(asset.criminalOffence, false);
    assert.equal(asset.ownerLabel, owner.displayName);
    assert.equal(asset.serviceAreaName, "Adult Social Care");
    const history = await ctx.services.audit.search({ entityType: "asset", entityId: asset.id });
    assert.equal(history.events[0].action, "create");
  });

  it("refuses bad input with a problem per field, and a taken reference", async () => {
    await assert.rejects(
      ctx.services.assets.create(ctxActor, { name: "", marking: "restricted" }),
      (err: unknown) => {
        assert.ok(err instanceof RegisterInputError);
        const fields = err.problems.map((p) => p.field);
        assert.ok(fields.includes("name"));
        assert.ok(fields.includes("marking"));
        assert.ok(fields.includes("assetType"));
        return true;
      },
    );
    await ctx.services.assets.create(ctxActor, assetInput({ reference: "GIS-1", name: "GIS" }));
    await assert.rejects(
      ctx.services.assets.create(ctxActor, assetInput({ reference: "gis-1" })),
      /already exists/,
    );
    await assert.rejects(
      ctx.services.assets.create(
        ctxActor,
        assetInput({ holdsPersonalData: false, personalDataCategories: ["health"] }),
      ),
      /say the asset holds personal data/,
    );
  });

  it("filters, searches and pages the register", async () => {
    for (let i = 0; i < 5; i++)
      await ctx.services.assets.create(
        ctxActor,
        assetInput({
          name: `Planning file ${i}`,
          holdsPersonalData: false,
          dataSubjectCategories: [],
          personalDataCategories: [],
          marking: "official",
          hosting: i % 2 ? "third-party" : "on-premises",
          reviewDue: i === 0 ? "2020-01-01" : null,
        }),
      );
    const planning = await ctx.services.assets.list({ search: "planning", pageSize: 2 });
    assert.equal(planning.total, 5);
    assert.equal(planning.items.length, 2);
    assert.equal(planning.pages, 3);
    const hosted = await ctx.services.assets.list({ search: "planning", thirdPartyHosted: true });
    assert.equal(hosted.total, 2);
    const overdue = await ctx.services.assets.list({ reviewOverdue: true });
    assert.equal(overdue.total, 1);
    assert.equal(overdue.items[0].reviewOverdue, true);
    const special = await ctx.services.assets.list({ specialCategory: true });
    assert.ok(special.items.every((a) => a.specialCategory));
    const carers = await ctx.services.assets.list({ dataSubjectCategory: "parents-carers" });
    assert.ok(carers.total >= 1);
    const nothing = await ctx.services.assets.list({ serviceAreaId: "not-a-uuid" });
    assert.equal(nothing.total, 0);
    const sorted = await ctx.services.assets.list({ sort: "name", descending: true });
    const names = sorted.items.map((a) => a.name.toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
  });

  it("lists the assets holding personal data about a kind of data subject", async () => {
    const found = await ctx.services.assets.assetsHoldingPersonalDataOf("adults-receiving-care");
    assert.ok(found.length >= 1);
    assert.ok(found.every((a) => a.holdsPersonalData));
    assert.deepEqual(await ctx.services.assets.assetsHoldingPersonalDataOf("councillors"), []);
  });

  it("records an owner's review: confirmed when unchanged, corrected with what changed", async () => {
    const owner = await createUser(ctx, ["asset-owner"]);
    const asset = await ctx.services.assets.create(
      ctxActor,
      assetInput({ name: "Carers register", ownerId: owner.id, reviewDue: "2020-06-01" }),
    );
    const actor = { actorId: owner.id, actorLabel: owner.displayName };
    const confirmed = await ctx.services.assets.review(actor, asset.id, asset, null);
    assert.equal(confirmed.outcome, "confirmed");
    const corrected = await ctx.services.assets.review(
      actor,
      asset.id,
      { ...asset, retention: "6 years after last contact" },
      "Retention agreed with legal",
    );
    assert.equal(corrected.outcome, "corrected");
    assert.deepEqual(Object.keys(corrected.changes ?? {}), ["retention"]);
    const after = await ctx.services.assets.get(asset.id);
    assert.equal(after?.lastReviewed, today());
    assert.equal(after?.reviewDue, addMonths(today(), 12));
    assert.equal((await ctx.services.assets.reviews(asset.id)).length, 2);
  });

  it("sends each review reminder once", async () => {
    const owner = await createUser(ctx, ["asset-owner"]);
    const soon = new Date();
    soon.setUTCDate(soon.getUTCDate() + 5);
    await ctx.services.assets.create(
      ctxActor,
      assetInput({
        name: "Youth offending records",
        ownerId: owner.id,
        reviewDue: soon.toISOString().slice(0, 10),
      }),
    );
    const mails: { to: string; subject: string }[] = [];
    const send = async (to: string, subject: string) => mails.push({ to, subject });
    await ctx.services.assets.sendReviewReminders(send);
    const mine = mails.filter((m) => m.to === owner.email);
    assert.equal(mine.length, 1);
    assert.match(mine[0].subject, /Youth offending records/);
    const again = await ctx.services.assets.sendReviewReminders(send);
    assert.equal(mails.filter((m) => m.to === owner.email).length, 1, `sent again: ${again.sent}`);
  });

  it("adds and removes risks, and refuses to remove an unknown one", async () => {
    const asset = await ctx.services.assets.create(ctxActor, assetInput({ name: "CCTV footage" }));
    await ctx.services.assets.addRisk(ctxActor, asset.id, {
      description: "Footage kept beyond 31 days",
      likelihood: 4,
      impact: 3,
      mitigation: "Automatic overwrite",
      ownerId: null,
    });
    const risks = await ctx.services.assets.risks(asset.id);
    assert.equal(risks[0].score, 12);
    assert.equal(risks[0].rating, "high");
    await ctx.services.assets.removeRisk(ctxActor, asset.id, risks[0].id);
    await assert.rejects(
      ctx.services.assets.removeRisk(ctxActor, asset.id, risks[0].id),
      RegisterConflictError,
    );
  });
});
