import type { CaseRecord } from "./cases-service.ts";

/** The merge fields a template may use, with what each means; shown beside the template editor. */
export const MERGE_FIELDS: Record<string, string> = {
  reference: "The case reference, like FOI-2026-00012",
  requesterName: "The requester's name",
  received: "Date of receipt",
  dueDate: "The current due date",
  summary: "A one-line summary of the request",
  requestText: "The request as received",
  outcome: "The outcome, once chosen",
  exemptions: "Exemptions or exceptions applied, one a line, with the public interest reasoning",
  costHours: "Estimated hours (cost limit letters)",
  costPounds: "Estimated cost in pounds",
  caseworkerName: "Your name",
  councilName: "The council's name",
  reviewLink: "Where to ask for an internal review",
};

export function mergeFieldsFor(
  record: CaseRecord,
  extra: { councilName: string; caseworkerName: string; publicUrl: string },
): Record<string, string> {
  return {
    reference: record.reference,
    requesterName: record.requesterName ?? "Sir or Madam",
    received: record.received,
    dueDate: record.dueDate ?? "(on hold)",
    summary: record.summary,
    requestText: record.requestText,
    outcome: record.outcomeLabel ?? "",
    exemptions: record.exemptions
      .map((e) =>
        e.publicInterest ? `${e.label}. Public interest test: ${e.publicInterest}` : e.label,
      )
      .join("\n"),
    costHours: record.costEstimate ? String(record.costEstimate.hours) : "",
    costPounds: record.costEstimate ? record.costEstimate.pounds.toFixed(2) : "",
    caseworkerName: extra.caseworkerName,
    councilName: extra.councilName,
    reviewLink: `${extra.publicUrl}/requests/new`,
  };
}

/** Fills `{{field}}` placeholders; unknown fields are left as they are and reported. */
export function mergeTemplate(
  template: string,
  fields: Record<string, string>,
): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const text = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    if (name in fields) return fields[name];
    unknown.push(name);
    return whole;
  });
  return { text, unknown };
}

export const DEFAULT_TEMPLATES = [
  {
    name: "Acknowledgement",
    subject: "Your request {{reference}}",
    body: "Dear {{requesterName}},\n\nThank you for your request, received on {{received}}. Your reference is {{reference}}.\n\nWe will reply by {{dueDate}}.\n\nYours sincerely,\n{{caseworkerName}}\n{{councilName}}",
  },
  {
    name: "Clarification needed",
    subject: "Your request {{reference}}: we need more detail",
    body: "Dear {{requesterName}},\n\nTo answer your request {{reference}} we need you to tell us more about what you are asking for.\n\n[Say what is unclear.]\n\nThe time we have to answer starts again when we receive your reply.\n\nYours sincerely,\n{{caseworkerName}}\n{{councilName}}",
  },
  {
    name: "Information provided",
    subject: "Response to your request {{reference}}",
    body: "Dear {{requesterName}},\n\nYou asked:\n\n{{requestText}}\n\nOur response:\n\n[Answer.]\n\nIf you are unhappy with this response you can ask for an internal review within 40 working days: {{reviewLink}}. If you are still unhappy after the review you can complain to the Information Commissioner's Office.\n\nYours sincerely,\n{{caseworkerName}}\n{{councilName}}",
  },
  {
    name: "Refusal notice",
    subject: "Response to your request {{reference}}",
    body: "Dear {{requesterName}},\n\nWe hold information within the scope of your request {{reference}} but we are withholding it under:\n\n{{exemptions}}\n\nYou can ask for an internal review within 40 working days: {{reviewLink}}. After that you can complain to the Information Commissioner's Office.\n\nYours sincerely,\n{{caseworkerName}}\n{{councilName}}",
  },
  {
    name: "Cost limit (s.12)",
    subject: "Your request {{reference}}: over the cost limit",
    body: "Dear {{requesterName}},\n\nWe estimate that finding and extracting the information you asked for in {{reference}} would take {{costHours}} hours, costing £{{costPounds}}. This is more than the £450 limit (18 hours at £25 an hour) set for councils, so section 12 of the Freedom of Information Act applies.\n\nYou may be able to narrow your request so we can answer it, for example:\n- ask for a shorter period (one year rather than five)\n- ask about one service or site rather than all of them\n- ask for totals rather than every record\n\nYours sincerely,\n{{caseworkerName}}\n{{councilName}}",
  },
];
