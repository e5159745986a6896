import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { createTestContext, type TestContext } from "../../../test/helpers/runtime.ts";
import { addDays, isoWeek, today } from "./dates.ts";

describe("weekly reminder digests through a real SMTP server", () => {
  const received: { to: string[]; subject: string; text: string }[] = [];
  let smtp: SMTPServer;
  let ctx: TestContext;

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? "",
              text: mail.text ?? "",
            });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    ctx = await createTestContext({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      IG_TEAM_EMAIL: "ig-team@test.example.gov.uk",
    });
  });
  after(async () => {
    await ctx.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it("sends one digest per owner, escalates overdue work to the IG team, and not twice a week", async () => {
    const actor = { actorId: null, actorLabel: "test" };
    const s = ctx.services;
    const owner = await s.users.create(actor, {
      email: "owner@test.example.gov.uk",
      displayName: "Olu Owner",
      password: "a-long-enough-password",
      roles: ["asset-owner"],
    });
    const on = today();
    const partner = await s.sharing.addPartner(actor, {
      name: "Essex Police",
      kind: "police",
      contactName: null,
      contactEmail: null,
    });
    await s.sharing.saveAgreement(actor, {
      title: "Safeguarding hub",
      partnerIds: [partner],
      purpose: "Safeguarding",
      lawfulBasis: "public-task",
      dataItems: "Names",
      signatories: null,
      framework: null,
      startDate: addDays(on, -400),
      reviewDate: addDays(on, -5),
      endDate: null,
      status: "active",
      ownerId: owner.id,
    });
    await s.processors.save(actor, {
      name: "Printwise",
      contractReference: null,
      services: null,
      personalData: null,
      dataLocation: null,
      internationalTransfers: null,
      art28Terms: [],
      assetIds: [],
      contractStart: null,
      contractEnd: null,
      contractReview: addDays(on, 10),
      ownerId: owner.id,
    });
    const course = await s.training.addCourse(actor, {
      code: "DP",
      title: "Data protection",
      audience: "all-staff",
      jobRoles: [],
      frequencyMonths: 12,
    });
    await s.training.addPerson(actor, {
      personNumber: "E1",
      name: "Late Learner",
      email: "learner@test.example.gov.uk",
      kind: "staff",
      jobRole: null,
      serviceAreaId: null,
    });
    assert.ok(course);

    const first = await s.obligationReminders.sendDigests();
    while (await s.jobs.runOne()) {}
    assert.equal(first.week, isoWeek());
    const to = (address: string) => received.filter((m) => m.to.includes(address));
    const ownerMail = to("owner@test.example.gov.uk");
    assert.equal(ownerMail.length, 1, "one digest for the owner, not one email per item");
    assert.match(ownerMail[0].subject, /2 items, 1 overdue/);
    assert.match(ownerMail[0].text, /OVERDUE: DSA-\d+ Safeguarding hub: review was due/);
    assert.match(ownerMail[0].text, /Printwise: contract review due/);
    const ig = to("ig-team@test.example.gov.uk");
    assert.equal(ig.length, 1);
    assert.match(ig[0].text, /Safeguarding hub.*\(owner: Olu Owner\)/);
    assert.match(ig[0].text, /1 person is overdue for required training/);
    assert.match(to("learner@test.example.gov.uk")[0].text, /Data protection: not yet completed/);

    const again = await s.obligationReminders.sendDigests();
    while (await s.jobs.runOne()) {}
    assert.equal(again.sent, 0, "no second digest in the same week");
    const nextWeek = await s.obligationReminders.sendDigests(new Date(Date.now() + 7 * 86_400_000));
    assert.ok(nextWeek.sent >= 2);
  });
});
