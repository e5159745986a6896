import { type Block, buildDocx } from "./docx.ts";
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

/** The DPIA as a Word document for the project board, in the ICO template's order (the print view is document.njk). */
export function docxDocument(x: DocumentInput): Buffer {
  const so = x.signoff;
  const blocks: Block[] = [
    { kind: "title", text: `Data protection impact assessment: ${x.s.title}` },
    {
      kind: "p",
      text: [x.councilName, x.d.reference, x.versionLabel, x.serviceArea]
        .filter(Boolean)
        .join(" · "),
    },
    { kind: "h1", text: `Screening: ${x.resultLabels[x.d.screeningResult]}` },
    ...x.d.screening.reasons.map((r): Block => ({ kind: "bullet", text: r })),
    ...(x.answered.length
      ? [
          { kind: "p", text: "Indicators answered yes:" } as Block,
          ...x.answered.map((a): Block => ({ kind: "bullet", text: a })),
        ]
      : []),
    { kind: "h1", text: "The project" },
    { kind: "p", text: x.s.description },
    ...x.template.steps.flatMap((step): Block[] => [
      { kind: "h1", text: step.title },
      { kind: "p", text: x.s.content.sections[step.key] || "Not yet written." },
    ]),
    { kind: "h1", text: "Assets and processing covered" },
    ...(x.linked.length
      ? x.linked.map((l): Block => ({ kind: "bullet", text: l }))
      : [{ kind: "p", text: "None linked." } as Block]),
    { kind: "h1", text: "Risks" },
    x.s.content.risks.length
      ? {
          kind: "table",
          header: true,
          rows: [
            ["Risk", "Type", "Likelihood", "Severity", "Overall"],
            ...x.s.content.risks.map((r) => [
              r.description,
              r.riskType,
              r.likelihood,
              r.severity,
              x.riskLevel(r.likelihood, r.severity),
            ]),
          ],
        }
      : { kind: "p", text: "No risks recorded." },
    { kind: "h1", text: "Measures to reduce risk" },
    x.s.content.risks.length
      ? {
          kind: "table",
          header: true,
          rows: [
            ["Risk", "Measures", "Effect on risk", "Residual risk", "Measure approved"],
            ...x.s.content.risks.map((r) => [
              r.description,
              r.measures ?? "",
              r.effect ?? "",
              r.residual ?? "",
              r.measureApproved ? "Yes" : "No",
            ]),
          ],
        }
      : { kind: "p", text: "None." },
    { kind: "h1", text: "Sign off and outcomes" },
    {
      kind: "table",
      rows: [
        ["Measures approved by", so?.measuresApprovedBy ?? "Not signed off"],
        ["Residual risks approved by", so?.residualRisksApprovedBy ?? "Not signed off"],
        [
          "DPO advice provided",
          x.s.content.dpoAdvice ? (x.s.content.dpoAdviceBy ?? "DPO") : "Not yet",
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
      ],
    },
  ];
  return buildDocx(blocks);
}
