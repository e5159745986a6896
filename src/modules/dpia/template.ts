/**
 * What a DPIA asks: the screening questions (UK GDPR Art. 35(3), the ICO's list of processing likely to
 * result in high risk, the EDPB's nine criteria), the ICO template's steps and the risk types. The DPO can
 * edit all of it; every change is a new version, and each DPIA records the version it was written with.
 */
export type QuestionBasis = "art35" | "ico" | "edpb" | "custom-required" | "custom-criterion";

export interface ScreeningQuestion {
  id: string;
  basis: QuestionBasis;
  /** Where the question comes from, shown in the reasons: "Art. 35(3)(b)", "ICO list: data matching". */
  reference: string;
  text: string;
  hint?: string;
  /** On the ICO's list only in combination with an EDPB criterion (innovative technology, invisible processing, tracking). */
  combined?: boolean;
}

export interface TemplateStep {
  key: StepKey;
  title: string;
  guidance: string;
}

export type StepKey =
  | "need"
  | "nature"
  | "scope"
  | "context"
  | "purposes"
  | "consultation"
  | "necessity";

export interface DpiaTemplateContent {
  questions: ScreeningQuestion[];
  riskTypes: string[];
  steps: TemplateStep[];
  /** With personal data but no high-risk indicator: the council's policy (the strategy says all projects). */
  personalDataPolicy: "recommended" | "not-needed";
}

export const BASIS_LABELS: Record<QuestionBasis, string> = {
  art35: "UK GDPR Art. 35(3): a DPIA is always required",
  ico: "The ICO's list of processing likely to result in high risk",
  edpb: "The EDPB's nine criteria: two or more usually means a DPIA",
  "custom-required": "Council rule: a DPIA is required",
  "custom-criterion": "Council criterion: counts like an EDPB criterion",
};

export const DEFAULT_TEMPLATE: DpiaTemplateContent = {
  personalDataPolicy: "recommended",
  questions: [
    {
      id: "art35-profiling",
      basis: "art35",
      reference: "Art. 35(3)(a)",
      text: "Systematic and extensive evaluation of people, including profiling, with decisions that have legal or similarly significant effects on them",
    },
    {
      id: "art35-special",
      basis: "art35",
      reference: "Art. 35(3)(b)",
      text: "Special category or criminal offence data on a large scale",
    },
    {
      id: "art35-monitoring",
      basis: "art35",
      reference: "Art. 35(3)(c)",
      text: "Systematic monitoring of a publicly accessible area on a large scale",
      hint: "For example, town-centre CCTV or automatic number plate recognition",
    },
    {
      id: "ico-innovative",
      basis: "ico",
      reference: "ICO list: innovative technology",
      combined: true,
      text: "Innovative technology",
      hint: "For example, artificial intelligence, machine learning, smart sensors",
    },
    {
      id: "ico-denial",
      basis: "ico",
      reference: "ICO list: denial of service",
      text: "Decisions about people's access to a service, opportunity or benefit based on automated decision-making or special category data",
    },
    {
      id: "ico-profiling",
      basis: "ico",
      reference: "ICO list: large-scale profiling",
      text: "Profiling people on a large scale",
    },
    {
      id: "ico-biometric",
      basis: "ico",
      reference: "ICO list: biometric data",
      text: "Biometric data used to identify people",
    },
    {
      id: "ico-genetic",
      basis: "ico",
      reference: "ICO list: genetic data",
      text: "Genetic data (other than by a GP or health professional providing care)",
    },
    {
      id: "ico-matching",
      basis: "ico",
      reference: "ICO list: data matching",
      text: "Combining, comparing or matching personal data from more than one source",
      hint: "For example, record linkage between council services or with partners",
    },
    {
      id: "ico-invisible",
      basis: "ico",
      reference: "ICO list: invisible processing",
      combined: true,
      text: "Personal data not obtained from the person, where telling them would be impossible or take disproportionate effort",
    },
    {
      id: "ico-tracking",
      basis: "ico",
      reference: "ICO list: tracking",
      combined: true,
      text: "Tracking people's location or behaviour, online or offline",
    },
    {
      id: "ico-children",
      basis: "ico",
      reference: "ICO list: targeting children or other vulnerable people",
      text: "Marketing, profiling or online services aimed at children or other vulnerable people",
    },
    {
      id: "ico-harm",
      basis: "ico",
      reference: "ICO list: risk of physical harm",
      text: "A breach of the data could put someone's physical health or safety at risk",
    },
    {
      id: "edpb-scoring",
      basis: "edpb",
      reference: "EDPB: evaluation or scoring",
      text: "Evaluating or scoring people, including predicting behaviour or risk",
    },
    {
      id: "edpb-automated",
      basis: "edpb",
      reference: "EDPB: automated decisions with legal or similar effect",
      text: "Automated decisions that have legal or similarly significant effects on people",
    },
    {
      id: "edpb-monitoring",
      basis: "edpb",
      reference: "EDPB: systematic monitoring",
      text: "Systematically observing, monitoring or controlling people, including staff",
    },
    {
      id: "edpb-sensitive",
      basis: "edpb",
      reference: "EDPB: sensitive or highly personal data",
      text: "Special category, criminal offence or other highly personal data",
      hint: "For example, health, social care, financial or location data",
    },
    {
      id: "edpb-large-scale",
      basis: "edpb",
      reference: "EDPB: large scale",
      text: "Processing on a large scale",
      hint: "Consider the number of people, the volume of data, how long and how widely",
    },
    {
      id: "edpb-matching",
      basis: "edpb",
      reference: "EDPB: matching or combining datasets",
      text: "Matching or combining datasets from different purposes or controllers",
    },
    {
      id: "edpb-vulnerable",
      basis: "edpb",
      reference: "EDPB: vulnerable people",
      text: "Data about vulnerable people",
      hint: "For example, children, people receiving care, older people, employees",
    },
    {
      id: "edpb-innovative",
      basis: "edpb",
      reference: "EDPB: innovative use or new technology",
      text: "Innovative use of data or new technological or organisational solutions",
    },
    {
      id: "edpb-prevents",
      basis: "edpb",
      reference: "EDPB: prevents people using a right, service or contract",
      text: "Processing that could stop people exercising a right or using a service or contract",
    },
  ],
  riskTypes: [
    "Unauthorised access or disclosure",
    "Loss or destruction of data",
    "Inaccurate or out-of-date data",
    "Excessive collection or function creep",
    "Kept longer than needed",
    "People not told, or not expecting it",
    "People unable to exercise their rights",
    "Unfair or discriminatory decisions",
    "Transfer outside the UK",
    "Processor or partner failure",
  ],
  steps: [
    {
      key: "need",
      title: "Identify the need for a DPIA",
      guidance:
        "Explain broadly what the project aims to achieve and what type of processing it involves. Summarise why you identified the need for a DPIA.",
    },
    {
      key: "nature",
      title: "The nature of the processing",
      guidance:
        "How will you collect, use, store and delete data? What is the source of the data? Will you share data with anyone? What types of processing identified as likely high risk are involved?",
    },
    {
      key: "scope",
      title: "The scope of the processing",
      guidance:
        "What is the nature of the data, and does it include special category or criminal offence data? How much data will you collect and use? How often? How long will you keep it? How many people are affected? What geographical area does it cover?",
    },
    {
      key: "context",
      title: "The context of the processing",
      guidance:
        "What is the nature of your relationship with the people? How much control will they have? Would they expect you to use their data in this way? Do they include children or other vulnerable groups? Are there prior concerns over this type of processing or security flaws? Is it novel in any way? What is the current state of technology in this area? Are there any current issues of public concern?",
    },
    {
      key: "purposes",
      title: "The purposes of the processing",
      guidance:
        "What do you want to achieve? What is the intended effect on people? What are the benefits of the processing, for the council and more broadly?",
    },
    {
      key: "consultation",
      title: "Consultation",
      guidance:
        "Consider how to consult with relevant stakeholders: describe when and how you will seek people's views, or justify why it is not appropriate. Who else do you need to involve within the council? Do you need to ask your processors to assist? Do you plan to consult information security experts or any other experts?",
    },
    {
      key: "necessity",
      title: "Necessity and proportionality",
      guidance:
        "What is your lawful basis for processing? Does the processing actually achieve your purpose? Is there another way to achieve the same outcome? How will you prevent function creep? How will you ensure data quality and data minimisation? What information will you give people? How will you help to support their rights? What measures do you take to ensure processors comply? How do you safeguard any international transfers?",
    },
  ],
};

export type Answer = "yes" | "no";

export interface ScreeningResult {
  result: "required" | "recommended" | "not-needed";
  reasons: string[];
  /** The EDPB (and council) criteria met, counted once each. */
  criteriaMet: number;
}

/**
 * The screening rule. No personal data: not needed. Any Art. 35(3) trigger, anything on the ICO's list or a
 * council rule: required. Two or more EDPB criteria: required; one: recommended. Otherwise, the council's policy.
 */
export function screen(
  template: DpiaTemplateContent,
  personalData: boolean,
  yes: readonly string[],
): ScreeningResult {
  if (!personalData)
    return {
      result: "not-needed",
      reasons: ["The project does not involve personal data, so UK GDPR Art. 35 does not apply."],
      criteriaMet: 0,
    };
  const chosen = template.questions.filter((q) => yes.includes(q.id));
  const reasons: string[] = [];
  const edpb = chosen.filter((q) => q.basis === "edpb" || q.basis === "custom-criterion");
  // Some ICO items (innovative technology, invisible processing, tracking) need an EDPB criterion too;
  // alone, they count as one criterion.
  const alone = (q: ScreeningQuestion) => q.basis === "ico" && q.combined && edpb.length === 0;
  const triggers = chosen.filter(
    (q) => (q.basis === "art35" || q.basis === "ico" || q.basis === "custom-required") && !alone(q),
  );
  for (const q of triggers)
    reasons.push(
      q.basis === "art35"
        ? `${q.reference}: ${q.text.toLowerCase()}. A DPIA is always required for this.`
        : q.basis === "ico"
          ? `${q.reference}${q.combined ? ", with a high-risk criterion" : ""}. The ICO requires a DPIA for processing on its list.`
          : `${q.reference || "Council rule"}: ${q.text.toLowerCase()}. The council requires a DPIA for this.`,
    );
  const criteria = [...edpb, ...chosen.filter(alone)];
  if (criteria.length)
    reasons.push(
      `Meets ${criteria.length} of the criteria that indicate high risk (${criteria.map((q) => q.reference.replace(/^(EDPB|ICO list): /, "")).join("; ")}). The EDPB: two or more usually means a DPIA is required.`,
    );
  if (triggers.length || criteria.length >= 2)
    return { result: "required", reasons, criteriaMet: criteria.length };
  if (criteria.length === 1)
    return {
      result: "recommended",
      reasons: [
        ...reasons,
        "One criterion alone does not usually require a DPIA, but doing one is good practice and shows data protection by design.",
      ],
      criteriaMet: 1,
    };
  if (template.personalDataPolicy === "recommended")
    return {
      result: "recommended",
      reasons: [
        "No high-risk indicators. The council's policy is a privacy impact assessment for every project that holds personal data, so a short DPIA is recommended.",
      ],
      criteriaMet: 0,
    };
  return {
    result: "not-needed",
    reasons: [
      "Personal data is involved, but there are no high-risk indicators: a DPIA is not needed. Keep this screening as the record of that decision.",
    ],
    criteriaMet: 0,
  };
}

export type Likelihood = "remote" | "possible" | "probable";
export type Severity = "minimal" | "significant" | "severe";
export type RiskLevel = "low" | "medium" | "high";

export const LIKELIHOODS: Likelihood[] = ["remote", "possible", "probable"];
export const SEVERITIES: Severity[] = ["minimal", "significant", "severe"];

/** The ICO template's matrix: likelihood (1–3) × severity (1–3); 1–2 low, 3–4 medium, 6–9 high. */
export function riskLevel(likelihood: Likelihood, severity: Severity): RiskLevel {
  const score = (LIKELIHOODS.indexOf(likelihood) + 1) * (SEVERITIES.indexOf(severity) + 1);
  return score >= 6 ? "high" : score >= 3 ? "medium" : "low";
}
