import type { BreachCase } from "./breaches-service.ts";
import { formatDuration } from "./clock.ts";
import { formatLocal } from "./local-time.ts";
import {
  CAUSES,
  CIA,
  DATA_CATEGORIES,
  LIKELIHOODS,
  labelOf,
  labelsOf,
  METHODS,
  OUTCOMES,
  SEVERITIES,
  SUBJECT_TYPES,
  YES_NO_UNKNOWN,
} from "./vocabularies.ts";

export interface ReportSection {
  heading: string;
  items: { question: string; answer: string }[];
}

const yesNo = (v: boolean | null) => (v === null ? "Not known" : v ? "Yes" : "No");
const orNotKnown = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === "" ? "Not yet known" : String(v);

/**
 * The ICO's personal data breach report form, section by section, filled in from the case: to paste
 * into the online form or attach. Nothing is invented: an unanswered question says "Not yet known".
 */
export function icoReportSections(
  c: BreachCase,
  context: {
    councilName: string;
    serviceArea: string | null;
    dpo: string | null;
    assets: string[];
  },
): ReportSection[] {
  const b = c.breach;
  const ico = c.notifications.find((n) => n.recipient === "ico");
  const told = c.notifications.filter((n) => n.recipient === "data-subjects");
  return [
    {
      heading: "About your organisation",
      items: [
        { question: "Organisation", answer: context.councilName },
        { question: "Data protection officer", answer: orNotKnown(context.dpo) },
        { question: "Our reference", answer: b.reference },
        { question: "Service area", answer: orNotKnown(context.serviceArea) },
      ],
    },
    {
      heading: "Initial or follow-up report",
      items: [
        {
          question: "Report type",
          answer: ico
            ? `Follow-up (initial report ${formatLocal(ico.notifiedAt)}${ico.reference ? `, ICO reference ${ico.reference}` : ""})`
            : "Initial report",
        },
      ],
    },
    {
      heading: "About the breach",
      items: [
        { question: "What happened", answer: b.summary },
        { question: "How did you find out about the breach", answer: orNotKnown(b.howDiscovered) },
        { question: "Type of breach", answer: orNotKnown(labelOf(CAUSES, b.cause)) },
        { question: "When did the breach happen", answer: orNotKnown(formatLocal(b.occurredAt)) },
        { question: "When did you discover the breach", answer: formatLocal(b.awareAt) },
        ...(b.awareAtNote
          ? [{ question: "How the time of awareness was set", answer: b.awareAtNote }]
          : []),
        {
          question: "Reasons for reporting after 72 hours",
          answer: c.clock.delayReasonRequired
            ? orNotKnown(b.delayReason)
            : "Not applicable: reported within 72 hours",
        },
        {
          question: "Information systems and assets involved",
          answer: context.assets.length ? context.assets.join("; ") : "None recorded",
        },
      ],
    },
    {
      heading: "Personal data placed at risk",
      items: [
        {
          question: "Categories of personal data",
          answer: b.dataCategories.length
            ? labelsOf(DATA_CATEGORIES, b.dataCategories).join("; ")
            : "Not yet known",
        },
        {
          question: "Special category or criminal offence data",
          answer: b.specialCategory ? "Yes" : "No",
        },
        { question: "Description of the data", answer: b.dataInvolved },
        {
          question: "Number of personal data records concerned",
          answer: orNotKnown(b.recordsCount),
        },
        { question: "Number of people affected", answer: orNotKnown(b.peopleCount) },
        {
          question: "Categories of people affected",
          answer: b.subjectTypes.length
            ? labelsOf(SUBJECT_TYPES, b.subjectTypes).join("; ")
            : "Not yet known",
        },
        {
          question: "Potential consequences for the people affected",
          answer: orNotKnown(b.consequences),
        },
        {
          question: "Likelihood that people will experience significant consequences",
          answer: orNotKnown(labelOf(LIKELIHOODS, b.likelihood)),
        },
        {
          question: "Severity of the consequences (our assessment)",
          answer: orNotKnown(labelOf(SEVERITIES, b.severity)),
        },
        {
          question: "Was the data encrypted",
          answer: orNotKnown(labelOf(YES_NO_UNKNOWN, b.encrypted)),
        },
        { question: "Has the data been recovered", answer: yesNo(b.recovered) },
        {
          question: "Our risk assessment",
          answer: `${c.assessment.risk} risk. ${c.assessment.reasons.join(" ")}`,
        },
      ],
    },
    {
      heading: "Cyber incidents",
      items: [
        { question: "Is this a cyber incident", answer: yesNo(b.isCyber) },
        {
          question: "Which were affected",
          answer: b.cia.length ? labelsOf(CIA, b.cia).join("; ") : "Not recorded",
        },
      ],
    },
    {
      heading: "About the staff involved",
      items: [
        { question: "Were staff involved in the breach", answer: yesNo(b.staffInvolved) },
        {
          question: "Had they received data protection training in the last two years",
          answer: orNotKnown(labelOf(YES_NO_UNKNOWN, b.staffTrained)),
        },
        { question: "Details of training", answer: orNotKnown(b.trainingDetail) },
      ],
    },
    {
      heading: "Containment and recovery",
      items: [
        {
          question: "When was the breach contained",
          answer: b.containedAt
            ? `${formatLocal(b.containedAt)} (${formatDuration(b.containedAt.getTime() - b.awareAt.getTime())} after awareness)`
            : "Not yet contained",
        },
        { question: "Actions taken to contain the breach", answer: orNotKnown(b.containment) },
        {
          question: "Actions taken to recover the data and limit harm",
          answer: orNotKnown(b.recovery),
        },
        {
          question: "Further actions planned",
          answer: c.actions.length
            ? c.actions
                .map(
                  (a) =>
                    `${a.description} (${a.ownerName}${a.dueOn ? `, by ${a.dueOn}` : ""}${a.doneAt ? ", done" : ""})`,
                )
                .join("; ")
            : "None recorded",
        },
      ],
    },
    {
      heading: "Telling the people affected and others",
      items: [
        {
          question: "Our decision",
          answer: b.decision
            ? `${labelOf(OUTCOMES, b.decision)}${b.decidedBy ? ` (decided by ${b.decidedBy.name}, ${formatLocal(b.decidedAt)})` : ""}`
            : "Not yet decided",
        },
        {
          question: "Have you told the people affected",
          answer: told.length
            ? told
                .map(
                  (n) =>
                    `${formatLocal(n.notifiedAt)} by ${labelOf(METHODS, n.method).toLowerCase() || "unrecorded method"}${n.peopleCount ? `, ${n.peopleCount} people` : ""}`,
                )
                .join("; ")
            : "No",
        },
        {
          question: "Have you told any other organisations (police, other regulators)",
          answer:
            [
              b.othersTold,
              ...c.notifications
                .filter((n) => n.recipient === "police" || n.recipient === "other")
                .map((n) => `${n.details ?? n.recipient} (${formatLocal(n.notifiedAt)})`),
            ]
              .filter(Boolean)
              .join("; ") || "No",
        },
      ],
    },
  ];
}

export function icoReportText(sections: ReportSection[], title: string): string {
  const out = [title, "=".repeat(title.length), ""];
  for (const s of sections) {
    out.push(s.heading.toUpperCase(), "");
    for (const item of s.items)
      out.push(`${item.question}:`, `  ${item.answer.replace(/\n/g, "\n  ")}`, "");
  }
  return out.join("\n");
}
