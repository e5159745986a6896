import type { Dpia, SignOff, Snapshot } from "./dpia-service.ts";
import type { DpiaTemplateContent, Likelihood, RiskLevel, Severity } from "./template.ts";

export interface DocumentInput {
  d: Dpia;
  s: Snapshot;
  signoff: SignOff | undefined;
  versionLabel: string;
  template: DpiaTemplateContent;
  linked: string[];
  serviceArea: string | null;
  councilName: string;
  answered: string[];
  resultLabels: Record<string, string>;
  riskLevel: (l: Likelihood, s: Severity) => RiskLevel;
}

const esc = (v: unknown) =>
  String(v ?? "")
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\n/g, "<br>");

/**
 * The DPIA as a document for the project board, in the ICO template's order. Word opens this HTML as a
 * document (saved as .doc), and it can be saved as PDF from Word or from the print view in a browser.
 */
export function wordDocument(x: DocumentInput): string {
  const rows = (pairs: [string, unknown][]) =>
    `<table border="1" cellpadding="6" cellspacing="0" width="100%">${pairs
      .map(([k, v]) => `<tr><th align="left" width="35%">${esc(k)}</th><td>${esc(v)}</td></tr>`)
      .join("")}</table>`;
  const so = x.signoff;
  const parts = [
    `<h1>Data protection impact assessment: ${esc(x.s.title)}</h1>`,
    `<p>${esc(x.councilName)} · ${esc(x.d.reference)} · ${esc(x.versionLabel)}${x.serviceArea ? ` · ${esc(x.serviceArea)}` : ""}</p>`,
    `<h2>Screening</h2>`,
    `<p><strong>${esc(x.resultLabels[x.d.screeningResult])}</strong></p>`,
    `<ul>${x.d.screening.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`,
    x.answered.length
      ? `<p>Indicators answered yes:</p><ul>${x.answered.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>`
      : "",
    `<h2>The project</h2><p>${esc(x.s.description)}</p>`,
    ...x.template.steps.map(
      (step) =>
        `<h2>${esc(step.title)}</h2><p>${esc(x.s.content.sections[step.key] || "Not yet written.")}</p>`,
    ),
    `<h2>Assets and processing covered</h2>`,
    x.linked.length
      ? `<ul>${x.linked.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`
      : "<p>None linked.</p>",
    `<h2>Risks</h2>`,
    x.s.content.risks.length
      ? `<table border="1" cellpadding="6" cellspacing="0" width="100%"><tr><th>Risk</th><th>Type</th><th>Likelihood</th><th>Severity</th><th>Overall</th></tr>${x.s.content.risks
          .map(
            (r) =>
              `<tr><td>${esc(r.description)}</td><td>${esc(r.riskType)}</td><td>${esc(r.likelihood)}</td><td>${esc(r.severity)}</td><td>${esc(x.riskLevel(r.likelihood, r.severity))}</td></tr>`,
          )
          .join("")}</table>`
      : "<p>No risks recorded.</p>",
    `<h2>Measures to reduce risk</h2>`,
    x.s.content.risks.length
      ? `<table border="1" cellpadding="6" cellspacing="0" width="100%"><tr><th>Risk</th><th>Measures</th><th>Effect on risk</th><th>Residual risk</th><th>Measure approved</th></tr>${x.s.content.risks
          .map(
            (r) =>
              `<tr><td>${esc(r.description)}</td><td>${esc(r.measures ?? "")}</td><td>${esc(r.effect ?? "")}</td><td>${esc(r.residual ?? "")}</td><td>${r.measureApproved ? "Yes" : "No"}</td></tr>`,
          )
          .join("")}</table>`
      : "",
    `<h2>Sign off and outcomes</h2>`,
    rows([
      ["Measures approved by", so?.measuresApprovedBy ?? "Not signed off"],
      ["Residual risks approved by", so?.residualRisksApprovedBy ?? "Not signed off"],
      [
        "DPO advice provided",
        x.s.content.dpoAdvice ? `${x.s.content.dpoAdviceBy ?? "DPO"}` : "Not yet",
      ],
      ["Summary of DPO advice", x.s.content.dpoAdvice ?? ""],
      [
        "DPO advice accepted or overruled",
        so ? (so.dpoAdviceFollowed ? "Accepted" : `Overruled: ${so.overruledReason ?? ""}`) : "",
      ],
      ["Consultation responses reviewed by", so?.consultationReviewedBy ?? ""],
      ["This DPIA will be kept under review by", so?.reviewOwner ?? ""],
      ["Next review", so?.reviewDate ?? ""],
      [
        "Prior consultation with the ICO (Art. 36)",
        so?.icoConsultation ??
          (x.d.residualHigh ? "Required: a high residual risk remains" : "Not required"),
      ],
      [
        "Signed off by",
        so ? `${so.signedOffBy}, ${so.signedOffAt.slice(0, 10)}` : "Not signed off",
      ],
    ]),
  ];
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(x.d.reference)}: ${esc(x.s.title)}</title><style>body{font-family:Arial,sans-serif;font-size:11pt}th{background:#f3f2f1}</style></head><body>${parts.join("\n")}</body></html>`;
}
