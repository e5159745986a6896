import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";

describe("outbound mail", () => {
  const received: { to: string[]; subject: string; text: string }[] = [];
  let smtp: SMTPServer;
  let port: number;

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
    port = (smtp.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it("delivers through a real SMTP server by a job, and records it as sent", async () => {
    const ctx: TestContext = await createTestContext({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: "foi@northmoor.example.gov.uk",
    });
    try {
      const id = await ctx.services.mail.send(
        "resident@example.com",
        "Your request FOI-2026-0001",
        "We received your request on 25 November 2026.\nWe will reply by 23 December 2026.",
      );
      while (await ctx.services.jobs.runOne()) {}
      assert.equal(received.length, 1);
      assert.deepEqual(received[0].to, ["resident@example.com"]);
      assert.equal(received[0].subject, "Your request FOI-2026-0001");
      assert.match(received[0].text, /We will reply by 23 December 2026/);
      const outbox = await ctx.services.mail.outbox();
      assert.equal(outbox.find((m) => m.id === id)?.status, "sent");
    } finally {
      await ctx.close();
    }
  });

  it("keeps mail in the outbox for administrators when no SMTP server is configured", async () => {
    const ctx = await createTestContext({ SMTP_URL: undefined });
    try {
      await ctx.services.mail.send(
        "someone@example.com",
        "Review due",
        "The asset register review is due.",
      );
      const [msg] = await ctx.services.mail.outbox();
      assert.equal(msg.status, "held");
      const { signedInClient } = await import("../helpers/http.ts");
      const { client } = await signedInClient(ctx, ["administrator"]);
      const page = await client.get("/admin/outbox");
      assert.match(page.body, /Review due/);
      assert.match(page.body, /No mail server is set up/);
    } finally {
      await ctx.close();
    }
  });

  it("marks a message failed and retries when the server refuses it", async () => {
    const ctx = await createTestContext({ SMTP_URL: "smtp://127.0.0.1:1" });
    try {
      const id = await ctx.services.mail.send("x@example.com", "s", "b");
      await ctx.services.jobs.runOne();
      const msg = (await ctx.services.mail.outbox()).find((m) => m.id === id);
      assert.equal(msg?.status, "failed");
      assert.ok(msg?.lastError);
      const job = await ctx.services.db
        .selectFrom("jobs")
        .select(["status"])
        .where("name", "=", "mail.send")
        .executeTakeFirstOrThrow();
      assert.equal(job.status, "queued", "queued again for a retry");
    } finally {
      await ctx.close();
    }
  });
});
