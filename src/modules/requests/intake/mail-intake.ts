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

export interface ImapPollOptions {
  /** Where messages go once they are cases. Unset: they stay in the mailbox, marked as read. */
  doneMailbox?: string;
  /** Most messages taken in one poll; the rest wait for the next. */
  limit?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface ImapPollResult {
  received: number;
  duplicates: number;
  failed: number;
}

/** Why a poll could not read the mailbox, in words an administrator can act on (never the password). */
function imapFailure(err: unknown, where: string): Error {
  const e = err as { authenticationFailed?: boolean; responseText?: string; code?: string };
  const detail = e?.responseText || e?.code || (err instanceof Error ? err.message : String(err));
  return new Error(
    e?.authenticationFailed
      ? `IMAP sign-in to ${where} was refused (${detail}): check the user name and password in REQUESTS_IMAP_URL`
      : `IMAP mailbox ${where} could not be read: ${detail}`,
  );
}

/**
 * One poll of an IMAP mailbox: each message becomes a case (with its attachments), then is moved to
 * `doneMailbox` or, without one, marked as read so the next poll skips it. A message read by a
 * person before the poll is therefore missed unless a done mailbox is set (then every message in
 * the mailbox is taken). Message-IDs already on a case are not a second case, so a poll interrupted
 * between storing and marking does no harm. One message that cannot be stored is logged and left
 * for the next poll; it does not stop the others.
 */
export async function pollImap(
  intake: IntakeService,
  url: string,
  options: ImapPollOptions = {},
): Promise<ImapPollResult> {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  const port = Number(u.port) || (secure ? 993 : 143);
  const user = decodeURIComponent(u.username);
  const mailbox = decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX";
  const where = `${user}@${u.hostname}:${port}/${mailbox}`;
  const log = options.log ?? (() => {});
  const client = new ImapFlow({
    host: u.hostname,
    port,
    secure,
    auth: { user, pass: decodeURIComponent(u.password) },
    logger: false,
  });
  // A connection dropped mid-poll is reported here as well as by the command that fails; without a
  // listener Node would treat the event as an uncaught error and stop the process.
  client.on("error", (err: Error) =>
    log("IMAP connection error", { mailbox: where, error: err.message }),
  );
  try {
    await client.connect();
  } catch (err) {
    const failure = imapFailure(err, where);
    log(failure.message);
    throw failure;
  }
  const result: ImapPollResult = { received: 0, duplicates: 0, failed: 0 };
  try {
    if (options.doneMailbox) {
      const done = await client.mailboxCreate(options.doneMailbox).catch((err: unknown) => {
        throw imapFailure(err, `${where} (creating the folder "${options.doneMailbox}")`);
      });
      if (done?.created) log(`IMAP folder "${options.doneMailbox}" created for processed requests`);
    }
    const lock = await client.getMailboxLock(mailbox);
    try {
      const found =
        (await client.search(options.doneMailbox ? { all: true } : { seen: false }, {
          uid: true,
        })) || [];
      for (const uid of found.slice(0, options.limit ?? 200)) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (message === false || !message.source) continue;
        try {
          const outcome = await intake.receiveEmail(mailIntakeActor, message.source, {
            channel: "IMAP",
          });
          if ("duplicate" in outcome) result.duplicates++;
          else result.received++;
        } catch (err) {
          result.failed++;
          log("IMAP message could not be stored; left for the next poll", {
            mailbox: where,
            uid,
            error: err instanceof Error ? err.message : String(err),
          });
          continue;
        }
        const marked = options.doneMailbox
          ? await client.messageMove(String(uid), options.doneMailbox, { uid: true })
          : await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
        if (!marked)
          throw new Error(
            options.doneMailbox
              ? `a message could not be moved to "${options.doneMailbox}"`
              : "a message could not be marked as read",
          );
      }
    } finally {
      lock.release();
    }
  } catch (err) {
    const failure =
      err instanceof Error && err.message.startsWith("IMAP ") ? err : imapFailure(err, where);
    log(failure.message);
    throw failure;
  } finally {
    await client.logout().catch(() => client.close());
  }
  if (result.received || result.failed)
    log(
      `IMAP poll of ${where}: ${result.received} new, ${result.duplicates} already known, ${result.failed} failed`,
    );
  return result;
}
