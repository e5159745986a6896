import type { AddressInfo } from "node:net";
import { ImapFlow } from "imapflow";
import { SMTPServer } from "smtp-server";
import type { AuditContext } from "../../../platform/audit/audit-service.ts";
import type { IntakeService } from "./intake-service.ts";

export const mailIntakeActor: AuditContext = { actorId: null, actorLabel: "email intake" };

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * An inbound SMTP server: every message delivered to it becomes a case. It accepts mail for any
 * address (the council's MX or a forwarding rule decides what reaches it), without authentication,
 * so bind it where only the mail relay can reach it.
 */
export async function startInboundSmtp(
  intake: IntakeService,
  options: {
    port: number;
    host: string;
    maxBytes: number;
    log?: (msg: string, extra?: Record<string, unknown>) => void;
  },
): Promise<InboundSmtp> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: options.maxBytes,
    banner: "Steward information requests",
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = new Error("Message too large") as Error & { responseCode?: number };
          err.responseCode = 552;
          callback(err);
          return;
        }
        intake
          .receiveEmail(mailIntakeActor, Buffer.concat(chunks), {
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            channel: "inbound SMTP",
          })
          .then(() => callback())
          .catch((err: unknown) => {
            options.log?.("inbound mail could not be stored", {
              error: err instanceof Error ? err.message : String(err),
            });
            const failure = new Error("Temporary failure, try again later") as Error & {
              responseCode?: number;
            };
            failure.responseCode = 451;
            callback(failure);
          });
      });
    },
  });
  server.on("error", (err) => options.log?.("inbound SMTP error", { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  options.log?.(`inbound SMTP for information requests on ${options.host}:${port}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One poll of an IMAP mailbox: unseen messages become cases and are then marked seen. */
export async function pollImap(intake: IntakeService, url: string): Promise<{ received: number }> {
  const u = new URL(url);
  const client = new ImapFlow({
    host: u.hostname,
    port: Number(u.port) || (u.protocol === "imaps:" ? 993 : 143),
    secure: u.protocol === "imaps:",
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
  });
  await client.connect();
  let received = 0;
  try {
    const mailbox = decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX";
    const lock = await client.getMailboxLock(mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || !message.source) continue;
        await intake.receiveEmail(mailIntakeActor, message.source, { channel: "IMAP" });
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
        received++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return { received };
}
