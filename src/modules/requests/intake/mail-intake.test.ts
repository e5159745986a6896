import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import nodemailer from "nodemailer";
import { signedInClient } from "../../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import { spreadsheetWithHiddenData } from "../cases/test-files.ts";
import { guessType, whatDoTheyKnowRequest } from "./intake-service.ts";

async function casesByChannel(ctx: TestContext, channel: string) {
  return ctx.services.db
    .selectFrom("request_cases")
    .selectAll()
    .where("channel", "=", channel)
    .orderBy("created_at")
    .execute();
}

describe("email intake", () => {
  let ctx: TestContext;
  let port: number;
  before(async () => {
    ctx = await createTestContext();
    const smtp = await ctx.services.requests.startMailIntake(0, "127.0.0.1");
    assert.ok(smtp);
    port = smtp.port;
  });
  after(async () => {
    await ctx.services.requests.stopMailIntake();
    await ctx.close();
  });

  it("a request sent by a real SMTP client becomes a case with its attachment and an acknowledgement", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: '"Pat Resident" <pat@example.com>',
      to: "foi@northmoor.example.gov.uk",
      subject: "Freedom of Information request: parking fines",
      text: "Please tell me how many parking fines were issued in 2025, by month.",
      messageId: "<parking-1@example.com>",
      attachments: [{ filename: "example.xlsx", content: await spreadsheetWithHiddenData() }],
    });
    const [row] = await casesByChannel(ctx, "email");
    assert.ok(row, "a case was created");
    assert.equal(row.type, "foi");
    assert.equal(row.requester_email, "pat@example.com");
    assert.equal(row.requester_name, "Pat Resident");
    assert.match(row.reference, /^FOI-\d{4}-\d{5}$/);
    assert.ok(row.due_date);
    const attachments = await ctx.services.requests.casework.attachments(row.id);
    assert.equal(attachments.length, 1);
    assert.equal(attachments[0].filename, "example.xlsx");
    assert.ok(attachments[0].hiddenData.some((f) => f.kind === "hidden-sheet"));
    const outbox = await ctx.services.mail.outbox();
    const ack = outbox.find((m) => m.to === "pat@example.com");
    assert.ok(ack, "acknowledged");
    assert.match(ack.subject, new RegExp(row.reference));
    assert.match(ack.body, new RegExp(`We will reply by ${row.due_date}`));
    assert.match(ack.body, /\/requests\/status\/FOI-\d{4}-\d{5}\?token=/);
    // The same message again (a retry) is not a second case.
    await transport.sendMail({
      from: "pat@example.com",
      to: "foi@northmoor.example.gov.uk",
      subject: "Freedom of Information request: parking fines",
      text: "again",
      messageId: "<parking-1@example.com>",
    });
    assert.equal((await casesByChannel(ctx, "email")).length, 1);
  });

  it("recognises a request sent through WhatDoTheyKnow and replies to its address", async () => {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: '"Robin Asker" <request-123456-abcd1234@whatdotheyknow.com>',
      to: "foi@northmoor.example.gov.uk",
      subject: "Freedom of Information request - Air quality monitoring",
      text: "Dear Northmoor District Council,\n\nPlease send the air quality monitoring results for 2025.\n\nYours faithfully,\nRobin Asker",
    });
    const [row] = await casesByChannel(ctx, "whatdotheyknow");
    assert.ok(row);
    assert.equal(row.wdtk_request, "123456");
    assert.equal(row.reply_to, "request-123456-abcd1234@whatdotheyknow.com");
    assert.equal(row.type, "eir", "air quality is environmental information");
  });

  it("a caseworker uploads a saved .eml; a file that is not an email gets a clear error", async () => {
    const { client } = await signedInClient(ctx, ["caseworker"]);
    await client.get("/staff/requests/intake");
    const eml = [
      "From: Sam Subject <sam@example.com>",
      "To: dpo@northmoor.example.gov.uk",
      "Subject: Subject access request",
      "Message-ID: <sar-1@example.com>",
      "Date: Mon, 2 Nov 2026 10:00:00 +0000",
      "",
      "I would like a copy of my personal data held by Housing.",
    ].join("\r\n");
    const upload = (filename: string, body: string) => {
      const boundary = "----steward";
      const payload = `--${boundary}\r\nContent-Disposition: form-data; name="eml"; filename="${filename}"\r\nContent-Type: message/rfc822\r\n\r\n${body}\r\n--${boundary}--\r\n`;
      return ctx.app.inject({
        method: "POST",
        url: `/staff/requests/intake?_csrf=${encodeURIComponent(client.csrf)}`,
        payload,
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          cookie: (client as unknown as { cookieHeader: string }).cookieHeader,
        },
      });
    };
    const res = await upload("request.eml", eml);
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const [row] = await casesByChannel(ctx, "email").then((rows) =>
      rows.filter((r) => r.type === "sar"),
    );
    assert.ok(row);
    assert.equal(row.received, "2026-11-02");
    assert.equal(row.due_date, "2026-12-02");
    const bad = await upload("notes.eml", "just some text");
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /does not look like an email/);
  });

  it("recognises WhatDoTheyKnow addresses and guesses the type from the words", () => {
    assert.equal(whatDoTheyKnowRequest(["request-98-ab12cd@whatdotheyknow.com"])?.number, "98");
    assert.equal(whatDoTheyKnowRequest(["someone@example.com"]), undefined);
    assert.equal(guessType("Please send me a copy of my personal data").type, "sar");
    assert.equal(guessType("Flood risk assessments for the river").type, "eir");
    assert.equal(guessType("Spending on agency staff").type, "foi");
  });
});
