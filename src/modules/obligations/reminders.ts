import type { Db } from "../../platform/db/database.ts";
import { addDays, isoWeek, today } from "./dates.ts";
import type { ProcessorsService } from "./processors/processors-service.ts";
import type { RetentionService } from "./retention/retention-service.ts";
import type { SharingService } from "./sharing/sharing-service.ts";
import type { TrainingService } from "./training/training-service.ts";

/** Reviews and expiries this close are included in the owner's digest. */
export const REMINDER_DAYS = 30;

export interface DigestItem {
  register:
    | "Retention and disposal"
    | "Data-sharing agreements"
    | "Processors and contracts"
    | "Training";
  text: string;
  overdue: boolean;
  link: string;
}

export interface Digest {
  recipient: string;
  name: string | null;
  items: DigestItem[];
}

type Send = (to: string, subject: string, body: string) => Promise<unknown>;

/**
 * One weekly digest per person instead of a flood of single emails: owners get what is due in their
 * part of the four registers (disposals, agreement reviews, contract reviews and assurance, their own
 * training); the IG team gets everything overdue, as escalation. Each recipient gets at most one digest
 * per ISO week, however often the job runs and however many processes run it.
 */
export class ObligationReminders {
  constructor(
    private readonly db: Db,
    private readonly registers: {
      retention: RetentionService;
      sharing: SharingService;
      processors: ProcessorsService;
      training: TrainingService;
    },
    private readonly send: Send,
    private readonly options: { igTeamEmail: string; publicUrl: string },
  ) {}

  /** What each person should hear about this week (nothing sent). */
  async digests(now = new Date()): Promise<Digest[]> {
    const on = today(now);
    const horizon = addDays(on, REMINDER_DAYS);
    const base = this.options.publicUrl.replace(/\/$/, "");
    const byRecipient = new Map<string, Digest>();
    const add = (email: string | null | undefined, name: string | null, item: DigestItem) => {
      const recipient = (email ?? this.options.igTeamEmail).toLowerCase();
      const d = byRecipient.get(recipient) ?? { recipient, name, items: [] };
      d.items.push(item);
      byRecipient.set(recipient, d);
      // Overdue work is escalated to the IG team as well as the owner.
      if (item.overdue && recipient !== this.options.igTeamEmail.toLowerCase()) {
        const ig = byRecipient.get(this.options.igTeamEmail.toLowerCase()) ?? {
          recipient: this.options.igTeamEmail.toLowerCase(),
          name: "Information governance team",
          items: [],
        };
        ig.items.push({ ...item, text: `${item.text} (owner: ${name ?? email ?? "none"})` });
        byRecipient.set(ig.recipient, ig);
      }
    };
    const { retention, sharing, processors, training } = this.registers;

    const due = await retention.dueList({ now });
    for (const c of due.due)
      add(c.ownerEmail, c.ownerName, {
        register: "Retention and disposal",
        text: `${c.reference} (${c.description}) reaches its disposal date on ${c.dueOn}: approve, defer or place a hold`,
        overdue: !!c.dueOn && c.dueOn < on,
        link: `${base}/obligations/retention/due`,
      });

    for (const a of await sharing.agreements()) {
      const wasInForce = a.status === "active";
      if (a.state === "review-due" || a.state === "review-overdue")
        add(a.ownerEmail, a.ownerName, {
          register: "Data-sharing agreements",
          text: `${a.reference} ${a.title}: review ${a.state === "review-overdue" ? "was due" : "due"} on ${a.reviewDate}`,
          overdue: a.state === "review-overdue",
          link: `${base}/obligations/sharing/agreements/${a.id}`,
        });
      else if (wasInForce && a.endDate && a.endDate >= on && a.endDate <= horizon)
        add(a.ownerEmail, a.ownerName, {
          register: "Data-sharing agreements",
          text: `${a.reference} ${a.title}: ends on ${a.endDate}; renew it or stop the sharing`,
          overdue: false,
          link: `${base}/obligations/sharing/agreements/${a.id}`,
        });
      else if (wasInForce && a.state === "expired")
        add(a.ownerEmail, a.ownerName, {
          register: "Data-sharing agreements",
          text: `${a.reference} ${a.title}: expired on ${a.endDate} but is still marked active`,
          overdue: true,
          link: `${base}/obligations/sharing/agreements/${a.id}`,
        });
    }

    for (const p of await processors.list()) {
      const link = `${base}/obligations/processors/${p.id}`;
      if (p.contractReview && p.contractReview <= horizon)
        add(p.ownerEmail, p.ownerName, {
          register: "Processors and contracts",
          text: `${p.name}: contract review ${p.contractReview < on ? "was due" : "due"} on ${p.contractReview}`,
          overdue: p.contractReview < on,
          link,
        });
      if (p.nextAssessment && p.nextAssessment <= horizon)
        add(p.ownerEmail, p.ownerName, {
          register: "Processors and contracts",
          text: `${p.name}: security assessment ${p.nextAssessment < on ? "was due" : "due"} on ${p.nextAssessment}`,
          overdue: p.nextAssessment < on,
          link,
        });
      for (const a of p.assurances.filter((x) => x.expiresOn <= horizon))
        add(p.ownerEmail, p.ownerName, {
          register: "Processors and contracts",
          text: `${p.name}: ${a.schemeLabel} ${a.expired ? "expired" : "expires"} on ${a.expiresOn}`,
          overdue: a.expired,
          link,
        });
    }

    const compliance = await training.compliance(now);
    for (const s of [...compliance.overdue, ...compliance.dueSoon]) {
      if (!s.person.email) continue;
      const recipient = s.person.email.toLowerCase();
      const d = byRecipient.get(recipient) ?? { recipient, name: s.person.name, items: [] };
      d.items.push({
        register: "Training",
        text:
          s.state === "overdue"
            ? `${s.course.title}: ${s.lastCompleted ? `was due again on ${s.dueOn}` : "not yet completed"}`
            : `${s.course.title}: due again on ${s.dueOn}`,
        overdue: s.state === "overdue",
        link: `${base}/staff`,
      });
      byRecipient.set(recipient, d);
    }
    if (compliance.overdue.length) {
      const people = new Set(compliance.overdue.map((s) => s.person.id)).size;
      const ig = this.options.igTeamEmail.toLowerCase();
      const d = byRecipient.get(ig) ?? {
        recipient: ig,
        name: "Information governance team",
        items: [],
      };
      d.items.push({
        register: "Training",
        text: `${people} ${people === 1 ? "person is" : "people are"} overdue for required training; staff ${Math.round(compliance.staff.rate * 100)}% and councillors ${Math.round(compliance.councillors.rate * 100)}% trained against the 90% target`,
        overdue: true,
        link: `${base}/obligations/training`,
      });
      byRecipient.set(ig, d);
    }
    return [...byRecipient.values()];
  }

  /** Sends this week's digests that have not gone yet. */
  async sendDigests(now = new Date()): Promise<{ sent: number; week: string }> {
    const week = isoWeek(now);
    let sent = 0;
    for (const d of await this.digests(now)) {
      const claimed = await this.db
        .insertInto("obligation_digests")
        .values({ recipient: d.recipient, week, items: d.items.length })
        .onConflict((oc) => oc.columns(["recipient", "week"]).doNothing())
        .returning("recipient")
        .executeTakeFirst();
      if (!claimed) continue;
      await this.send(d.recipient, subjectOf(d), bodyOf(d));
      sent++;
    }
    return { sent, week };
  }
}

function subjectOf(d: Digest): string {
  const overdue = d.items.filter((i) => i.overdue).length;
  return `Steward weekly reminders: ${d.items.length} item${d.items.length === 1 ? "" : "s"}${overdue ? `, ${overdue} overdue` : ""}`;
}

function bodyOf(d: Digest): string {
  const lines = [
    `Dear ${d.name ?? "colleague"},`,
    "",
    "This is your weekly summary of information-governance work due from you.",
    "",
  ];
  const registers = [...new Set(d.items.map((i) => i.register))];
  for (const r of registers) {
    lines.push(r, "-".repeat(r.length));
    for (const i of d.items.filter((x) => x.register === r))
      lines.push(`${i.overdue ? "OVERDUE: " : ""}${i.text}`, `  ${i.link}`);
    lines.push("");
  }
  lines.push(
    "You get one summary a week; overdue items are also shown to the information governance team.",
  );
  return lines.join("\n");
}
