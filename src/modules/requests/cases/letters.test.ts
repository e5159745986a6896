import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { signedInClient } from "../../../../test/helpers/http.ts";
import { createTestContext, type TestContext } from "../../../../test/helpers/runtime.ts";
import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import { spreadsheetWithHiddenData } from "./test-files.ts";

const staff: AuditContext = { actorId: null, actorLabel: "test" };

/** Every byte value, twice: any re-encoding of a binary attachment would show. */
const binary = Buffer.from([...Array(256).keys(), ...Array(256).keys()].reverse());

describe("letters from templates, sent by email with the case's documents attached", () => {
  const received: ParsedMail[] = [];
  let refuseNext = 0;
  let smtp: SMTPServer;
  let ctx: TestContext;

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            if (refuseNext > 0) {
              refuseNext--;
              const err = new Error("Try again later") as Error & { responseCode?: number };
              err.responseCode = 451;
              callback(err);
              return;
            }
            received.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    ctx = await createTestContext({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: "foi@northmoor.example.gov.uk",
    });
  });
  after(async () => {
    await ctx?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  async function deliverAll() {
    while (await ctx.services.jobs.runOne()) {}
  }

  async function caseWithDocuments() {
    const created = await ctx.services.requests.intake.receive(staff, {
      type: "foi",
      received: "2026-10-01",
      summary: "Street lighting faults",
      requestText: "How many street lighting faults were reported in 2025?",
      requesterName: "Jo Lamp",
      requesterEmail: "jo.lamp@example.com",
    });
    const spreadsheet = await spreadsheetWithHiddenData();
    const docs = await ctx.services.requests.casework.addAttachments(
      staff,
      created.id,
      [
        { filename: "faults-2025.pdf", mimetype: "application/pdf", data: binary },
        {
          filename: "faults-by-ward.xlsx",
          mimetype: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          data: spreadsheet,
        },
        {
          filename: "internal-notes.txt",
          mimetype: "text/plain",
          data: Buffer.from("Not for release"),
        },
      ],
      "response",
    );
    const id = (name: string) => docs.find((d) => d.filename === name)?.id ?? "";
    return {
      created,
      spreadsheet,
      pdf: id("faults-2025.pdf"),
      xlsx: id("faults-by-ward.xlsx"),
      notes: id("internal-notes.txt"),
    };
  }

  it("attaches the chosen documents, after the hidden-data check, with their bytes intact", async () => {
    const { created, spreadsheet, pdf, xlsx, notes } = await caseWithDocuments();
    const { client, user } = await signedInClient(ctx, ["caseworker"]);
    await ctx.services.requests.cases.assign(staff, created.id, user.id, user.displayName);
    await deliverAll();
    received.length = 0; // the acknowledgement

    const template = (await ctx.services.requests.casework.templates()).find(
      (t) => t.name === "Information provided",
    );
    assert.ok(template);
    const draft = await client.post(`/staff/requests/${created.id}/letters/draft`, {
      templateId: template.id,
    });
    assert.match(draft.body, new RegExp(`Response to your request ${created.reference}`));
    assert.match(draft.body, /Documents to attach/);
    const letter = {
      subject: `Response to your request ${created.reference}`,
      body: "Dear Jo Lamp,\n\nThe figures are attached.\n\nYours sincerely,\nA Caseworker",
      attachmentIds: [pdf, xlsx],
    };

    // The spreadsheet has a hidden sheet: nothing is sent until the caseworker confirms.
    const warned = await client.post(`/staff/requests/${created.id}/letters`, letter);
    assert.equal(warned.statusCode, 400);
    assert.match(warned.body, /may contain hidden personal data/);
    assert.match(warned.body, /The figures are attached/, "the letter stays on the form");
    await deliverAll();
    assert.equal(received.length, 0);

    const sent = await client.post(`/staff/requests/${created.id}/letters`, {
      ...letter,
      confirmHiddenData: "yes",
    });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
    await deliverAll();
    assert.equal(received.length, 1);
    const mail = received[0];
    assert.equal(mail.subject, letter.subject);
    assert.match(mail.text ?? "", /The figures are attached/);
    assert.match(
      mail.text ?? "",
      /Documents attached:\n- faults-2025\.pdf\n- faults-by-ward\.xlsx/,
    );
    const files = Object.fromEntries(mail.attachments.map((a) => [a.filename, a]));
    assert.deepEqual(Object.keys(files).sort(), ["faults-2025.pdf", "faults-by-ward.xlsx"]);
    assert.ok(files["faults-2025.pdf"].content.equals(binary), "the PDF's bytes are intact");
    assert.equal(files["faults-2025.pdf"].contentType, "application/pdf");
    assert.ok(files["faults-by-ward.xlsx"].content.equals(spreadsheet), "the spreadsheet's too");

    // Kept on the case, and audited with what was attached.
    const out = (await ctx.services.requests.casework.correspondence(created.id)).filter(
      (c) => c.direction === "out" && c.subject === letter.subject,
    );
    assert.equal(out.length, 1);
    assert.match(out[0].body, /faults-by-ward\.xlsx/);
    const audit = await ctx.services.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", created.id)
      .where("action", "=", "send")
      .executeTakeFirstOrThrow();
    assert.match(JSON.stringify(audit), /faults-2025\.pdf/);
    assert.match(JSON.stringify(audit), /hiddenDataConfirmed":true/);
    const [queued] = await ctx.services.mail.outbox(1);
    assert.deepEqual(queued.attachments, ["faults-2025.pdf", "faults-by-ward.xlsx"]);
    const row = await ctx.services.db
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn("octet_length", [eb.cast("attachments", "text")]).as("bytes"))
      .where("id", "=", queued.id)
      .executeTakeFirstOrThrow();
    assert.ok(Number(row.bytes) < 500, "the outbox keeps references, not copies");
    const admin = (await signedInClient(ctx, ["administrator"])).client;
    const outboxPage = await admin.get("/admin/outbox");
    assert.match(outboxPage.body, /Attached: faults-2025\.pdf, faults-by-ward\.xlsx/);

    // A withheld document cannot be sent, whatever the form says.
    await ctx.services.requests.casework.markWithheld(staff, created.id, notes, "Internal advice");
    const withheld = await client.post(`/staff/requests/${created.id}/letters`, {
      ...letter,
      attachmentIds: [notes],
    });
    assert.equal(withheld.statusCode, 400);
    assert.match(withheld.body, /internal-notes\.txt is withheld/);
    assert.match(withheld.body, /The figures are attached/, "the letter stays on the form");
  });

  it("a retry after the mail server refused the letter sends the same attachments", async () => {
    const { created, pdf } = await caseWithDocuments();
    await deliverAll();
    received.length = 0;
    refuseNext = 1;
    await ctx.services.requests.casework.sendLetter(staff, created.id, {
      subject: "Your documents",
      body: "Dear Jo Lamp,\n\nAttached.",
      attachmentIds: [pdf],
      confirmHiddenData: false,
    });
    await ctx.services.jobs.runOne();
    assert.equal(received.length, 0, "refused the first time");
    const [failed] = await ctx.services.mail.outbox(1);
    assert.equal(failed.status, "failed");
    // The retry is due a few seconds later; run it now.
    await ctx.services.db
      .updateTable("jobs")
      .set({ run_at: new Date() })
      .where("status", "=", "queued")
      .execute();
    await deliverAll();
    assert.equal(received.length, 1);
    assert.ok(received[0].attachments[0].content.equals(binary));
    assert.equal((await ctx.services.mail.outbox(1))[0].status, "sent");
  });
});
