import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ImapFlow } from "imapflow";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { type Dovecot, dovecotMissing, startDovecot } from "../../../../test/helpers/dovecot.ts";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import { spreadsheetWithHiddenData } from "../cases/test-files.ts";
import { pollImap } from "./mail-intake.ts";

const missing = dovecotMissing();
if (missing) console.log(missing);

/** RFC 5322 source of a message, built by nodemailer's own composer. */
async function compose(message: SendMailOptions): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail(message);
  return info.message as Buffer;
}

/** A mail client putting messages into the council's mailbox, as the council's mail server would. */
async function deliver(server: Dovecot, sources: Buffer[], mailbox = "INBOX") {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  await client.connect();
  try {
    for (const source of sources) await client.append(mailbox, source);
  } finally {
    await client.logout();
  }
}

/** What is in a mailbox: each message's subject and whether it has been read. */
async function mailboxContents(server: Dovecot, mailbox: string) {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  await client.connect();
  const out: { subject: string; seen: boolean }[] = [];
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      for await (const m of client.fetch("1:*", { envelope: true, flags: true }))
        out.push({ subject: m.envelope?.subject ?? "", seen: m.flags?.has("\\Seen") ?? false });
    } catch (err) {
      if (!/empty|Invalid messageset/i.test(String(err))) throw err;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out;
}

describe("email intake by polling an IMAP mailbox (a real Dovecot server)", {
  skip: missing,
}, () => {
  let server: Dovecot;
  let ctx: TestContext;
  const logged: string[] = [];
  const log = (msg: string, extra?: Record<string, unknown>) =>
    logged.push(`${msg} ${extra ? JSON.stringify(extra) : ""}`);

  before(async () => {
    server = await startDovecot();
    ctx = await createTestContext({ REQUESTS_IMAP_URL: server.url() });
  });
  after(async () => {
    await ctx?.close();
    await server?.stop();
  });

  async function runPollJob() {
    await ctx.services.jobs.enqueue("requests.imap.poll", {}, { maxAttempts: 1 });
    while (await ctx.services.jobs.runOne()) {}
    const job = await ctx.services.db
      .selectFrom("jobs")
      .select(["status", "result", "last_error"])
      .where("name", "=", "requests.imap.poll")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    return job;
  }

  it("turns unread messages into cases with their attachments, once", async () => {
    const spreadsheet = await spreadsheetWithHiddenData();
    await deliver(server, [
      await compose({
        from: '"Pat Resident" <pat.imap@example.com>',
        to: "foi@northmoor.example.gov.uk",
        subject: "Freedom of Information request: grass cutting contracts",
        text: "Please send the current grass cutting contract and its schedule of rates.",
        messageId: "<grass-1@example.com>",
        attachments: [
          { filename: "earlier-request.xlsx", content: spreadsheet },
          { filename: "notes.txt", content: "Line one\nLine two\n" },
        ],
      }),
      await compose({
        from: '"Robin Asker" <request-654321-ef567890@whatdotheyknow.com>',
        to: "foi@northmoor.example.gov.uk",
        subject: "Freedom of Information request - Bus shelter repairs",
        text: "Dear Northmoor District Council,\n\nHow many bus shelters were repaired in 2025?\n\nYours faithfully,\nRobin Asker",
        messageId: "<wdtk-654321@whatdotheyknow.com>",
      }),
    ]);

    const job = await runPollJob();
    assert.equal(job.status, "done", job.last_error ?? "");
    assert.deepEqual(job.result, { received: 2, duplicates: 0, failed: 0 });

    const cases = await ctx.services.db
      .selectFrom("request_cases")
      .selectAll()
      .orderBy("reference")
      .execute();
    assert.equal(cases.length, 2);
    const emailed = cases.find((c) => c.requester_email === "pat.imap@example.com");
    assert.ok(emailed, "the emailed request is a case");
    assert.equal(emailed.channel, "email");
    assert.equal(emailed.type, "foi");
    assert.equal(emailed.requester_name, "Pat Resident");
    const attachments = await ctx.services.requests.casework.attachments(emailed.id);
    assert.deepEqual(attachments.map((a) => a.filename).sort(), [
      "earlier-request.xlsx",
      "notes.txt",
    ]);
    const xlsx = attachments.find((a) => a.filename === "earlier-request.xlsx");
    assert.ok(xlsx, "the spreadsheet is kept");
    assert.ok(
      xlsx.hiddenData.some((f) => f.kind === "hidden-sheet"),
      "hidden sheet found",
    );
    const stored = await ctx.services.requests.casework.attachmentFile(emailed.id, xlsx.id);
    assert.ok(stored && Buffer.from(stored.data).equals(spreadsheet), "bytes kept intact");
    const correspondence = await ctx.services.requests.casework.correspondence(emailed.id);
    assert.ok(correspondence.some((c) => c.direction === "in" && c.recordedBy === "IMAP"));

    const wdtk = cases.find((c) => c.channel === "whatdotheyknow");
    assert.ok(wdtk, "the WhatDoTheyKnow request is recognised");
    assert.equal(wdtk.wdtk_request, "654321");
    assert.equal(wdtk.reply_to, "request-654321-ef567890@whatdotheyknow.com");
    const acks = await ctx.services.mail.outbox();
    assert.ok(
      acks.some((m) => m.to === "request-654321-ef567890@whatdotheyknow.com"),
      "acknowledged to the WhatDoTheyKnow address",
    );

    const inbox = await mailboxContents(server, "INBOX");
    assert.equal(inbox.length, 2);
    assert.ok(
      inbox.every((m) => m.seen),
      "messages are marked as read",
    );

    // The next poll finds nothing new: no second case.
    const again = await runPollJob();
    assert.deepEqual(again.result, { received: 0, duplicates: 0, failed: 0 });
    const count = await ctx.services.db
      .selectFrom("request_cases")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 2);
  });

  it("with a done mailbox, moves each message there, even one a person had already read", async () => {
    const source = await compose({
      from: "sam.imap@example.com",
      to: "foi@northmoor.example.gov.uk",
      subject: "Request: councillor allowances 2025",
      text: "Please publish the councillor allowances paid in 2025.",
      messageId: "<allowances-1@example.com>",
    });
    await deliver(server, [source]);
    // Someone opened it in their mail program first.
    const reader = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: false,
      auth: { user: server.user, pass: server.password },
      logger: false,
    });
    await reader.connect();
    await reader.mailboxOpen("INBOX");
    await reader.messageFlagsAdd({ all: true }, ["\\Seen"]);
    await reader.logout();

    const first = await pollImap(ctx.services.requests.intake, server.url(), {
      doneMailbox: "Processed requests",
      log,
    });
    assert.deepEqual(
      first,
      { received: 1, duplicates: 2, failed: 0 },
      "the two read earlier are known",
    );
    assert.equal((await mailboxContents(server, "INBOX")).length, 0, "the inbox is empty");
    const done = await mailboxContents(server, "Processed requests");
    assert.equal(done.length, 3, "the two earlier messages and this one");
    assert.ok(done.some((m) => m.subject === "Request: councillor allowances 2025"));

    // The same message delivered twice (a mail loop, a resend) is not a second case.
    await deliver(server, [source]);
    const second = await pollImap(ctx.services.requests.intake, server.url(), {
      doneMailbox: "Processed requests",
      log,
    });
    assert.deepEqual(second, { received: 0, duplicates: 1, failed: 0 });
    const allowances = await ctx.services.db
      .selectFrom("request_cases")
      .select("id")
      .where("requester_email", "=", "sam.imap@example.com")
      .execute();
    assert.equal(allowances.length, 1);
  });

  it("a refused sign-in is a clear logged error and a failed job, not a crash", async () => {
    logged.length = 0;
    await assert.rejects(
      pollImap(ctx.services.requests.intake, server.url("not the password"), { log }),
      /IMAP sign-in to requests@127\.0\.0\.1:\d+\/INBOX was refused \(.*\): check the user name and password in REQUESTS_IMAP_URL/,
    );
    assert.equal(logged.length, 1);
    assert.match(logged[0], /IMAP sign-in .* was refused/);
    assert.doesNotMatch(logged.join("\n"), /not the password/, "the password is never logged");

    // Through the module's job, after the mailbox's password was changed on the server: the job
    // fails with the same message and the worker carries on.
    await server.setPassword("changed by the mail team");
    try {
      const job = await runPollJob();
      assert.equal(job.status, "failed");
      assert.match(job.last_error ?? "", /IMAP sign-in .* was refused/);
    } finally {
      await server.setPassword(server.password);
    }
    assert.equal((await runPollJob()).status, "done", "polls work again with the right password");
  });

  it("a done folder the server will not create is a clear error, and nothing is taken", async () => {
    await deliver(server, [
      await compose({
        from: "lee.imap@example.com",
        to: "foi@northmoor.example.gov.uk",
        subject: "Request: pothole claims",
        text: "How many pothole compensation claims were paid in 2025?",
      }),
    ]);
    await assert.rejects(
      pollImap(ctx.services.requests.intake, server.url(), { doneMailbox: "Bad/Name", log }),
      /IMAP mailbox requests@127\.0\.0\.1:\d+\/INBOX \(creating the folder "Bad\/Name"\) could not be read: .+/,
    );
    const taken = await ctx.services.db
      .selectFrom("request_cases")
      .select("id")
      .where("requester_email", "=", "lee.imap@example.com")
      .execute();
    assert.equal(taken.length, 0);
  });

  it("an unreachable server is a clear error too", async () => {
    await assert.rejects(
      pollImap(ctx.services.requests.intake, "imap://requests:x@127.0.0.1:1/INBOX", { log }),
      /IMAP mailbox requests@127\.0\.0\.1:1\/INBOX could not be read: ECONNREFUSED/,
    );
  });
});
