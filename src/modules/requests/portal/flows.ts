import { z } from "zod";
import { DATA_RIGHT_LABELS } from "../cases/vocabulary.ts";

/**
 * The public request forms, one question (or a few close ones) a page, GOV.UK style. Answers
 * travel from page to page as hidden fields, so the forms need no account, no session and no
 * JavaScript.
 */
export interface Field {
  name: string;
  label: string;
  hint?: string;
  kind: "text" | "email" | "textarea" | "radios";
  options?: { value: string; text: string; hint?: string }[];
  autocomplete?: string;
  optional?: boolean;
  /** Shown on the check-your-answers page. */
  short: string;
}

export interface Step {
  id: string;
  title: string;
  /** The single question is the page heading. */
  headingIsLabel?: boolean;
  intro?: string;
  fields: Field[];
  schema: z.ZodObject<z.ZodRawShape>;
}

export interface Flow {
  kind: string;
  title: string;
  steps: Step[];
}

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(
    /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
    "Enter an email address in the correct format, like name@example.com",
  );
const name = z
  .string()
  .trim()
  .min(1, "Enter your full name")
  .max(200, "Name must be 200 characters or fewer");
const optionalText = (max: number) =>
  z.string().trim().max(max, `Must be ${max} characters or fewer`).optional();

const detailsStep: Step = {
  id: "details",
  title: "Your details",
  intro: "We use these to reply to you. We never publish them.",
  fields: [
    {
      name: "requesterName",
      label: "Full name",
      kind: "text",
      autocomplete: "name",
      short: "Name",
    },
    {
      name: "requesterEmail",
      label: "Email address",
      hint: "We will send your reference number and our reply here",
      kind: "email",
      autocomplete: "email",
      short: "Email",
    },
    {
      name: "requesterAddress",
      label: "Postal address (optional)",
      hint: "Only if you would like the reply by post",
      kind: "textarea",
      autocomplete: "street-address",
      optional: true,
      short: "Postal address",
    },
  ],
  schema: z.object({
    requesterName: name,
    requesterEmail: email,
    requesterAddress: optionalText(500),
  }),
};

export const FLOWS: Record<string, Flow> = {
  information: {
    kind: "information",
    title: "Ask for information",
    steps: [
      {
        id: "request",
        title: "What information do you want?",
        headingIsLabel: true,
        fields: [
          {
            name: "requestText",
            label: "What information do you want?",
            hint: "Describe the recorded information you want, as precisely as you can: dates, places, the service. You do not need to say why you want it.",
            kind: "textarea",
            short: "Your request",
          },
        ],
        schema: z.object({
          requestText: z
            .string()
            .trim()
            .min(10, "Describe the information you want, in 10 characters or more")
            .max(10000, "Your request must be 10,000 characters or fewer"),
        }),
      },
      detailsStep,
    ],
  },
  "personal-data": {
    kind: "personal-data",
    title: "Make a data protection request",
    steps: [
      {
        id: "right",
        title: "What do you want to do?",
        headingIsLabel: true,
        fields: [
          {
            name: "dataRight",
            label: "What do you want to do?",
            kind: "radios",
            options: Object.entries(DATA_RIGHT_LABELS).map(([value, text]) => ({ value, text })),
            short: "Request",
          },
        ],
        schema: z.object({
          dataRight: z.enum(Object.keys(DATA_RIGHT_LABELS) as [string, ...string[]], {
            error: "Select what you want to do",
          }),
        }),
      },
      {
        id: "request",
        title: "Tell us about your request",
        fields: [
          {
            name: "requestText",
            label: "What personal data is it about?",
            hint: "For example, your housing file since 2020, or emails about you from Children's Services. The more precise you are, the quicker we can reply.",
            kind: "textarea",
            short: "Details",
          },
          {
            name: "otherNames",
            label: "Other names or addresses we may know you by (optional)",
            kind: "textarea",
            optional: true,
            short: "Other names or addresses",
          },
        ],
        schema: z.object({
          requestText: z
            .string()
            .trim()
            .min(10, "Tell us what personal data your request is about, in 10 characters or more")
            .max(10000, "Must be 10,000 characters or fewer"),
          otherNames: optionalText(1000),
        }),
      },
      {
        ...detailsStep,
        intro:
          "We use these to reply to you and, if we need to, to confirm who you are. We will not ask for more proof of identity than we need.",
      },
    ],
  },
  "police-or-organisation": {
    kind: "police-or-organisation",
    title: "Ask for someone's personal data (police and other organisations)",
    steps: [
      {
        id: "organisation",
        title: "Your organisation",
        intro:
          "Use this form if you are from the police or another organisation asking for personal data under Schedule 2 of the Data Protection Act 2018 (formerly section 29).",
        fields: [
          {
            name: "requesterOrganisation",
            label: "Organisation",
            hint: "For example, Northmoor Constabulary",
            kind: "text",
            autocomplete: "organization",
            short: "Organisation",
          },
          {
            name: "requesterName",
            label: "Your name and rank or role",
            kind: "text",
            autocomplete: "name",
            short: "Name",
          },
          {
            name: "requesterEmail",
            label: "Work email address",
            hint: "Replies go only to an official address",
            kind: "email",
            autocomplete: "email",
            short: "Email",
          },
          {
            name: "theirReference",
            label: "Your reference (optional)",
            kind: "text",
            optional: true,
            short: "Your reference",
          },
        ],
        schema: z.object({
          requesterOrganisation: z.string().trim().min(2, "Enter your organisation").max(200),
          requesterName: name,
          requesterEmail: email,
          theirReference: optionalText(100),
        }),
      },
      {
        id: "request",
        title: "The personal data you need",
        fields: [
          {
            name: "requestText",
            label: "Whose data, and what do you need?",
            hint: "Give the person's name and any identifiers, and the information you need. Ask only for what is necessary.",
            kind: "textarea",
            short: "Data requested",
          },
          {
            name: "purpose",
            label: "Why do you need it?",
            hint: "Explain how not having it would prejudice the purpose, for example an investigation",
            kind: "textarea",
            short: "Purpose",
          },
          {
            name: "policeExemption",
            label: "Which exemption do you rely on?",
            kind: "radios",
            options: [
              {
                value: "sch2-para2",
                text: "Prevention or detection of crime, or the apprehension or prosecution of offenders (Sch. 2 para 2)",
              },
              { value: "sch2-para5", text: "Legal proceedings or legal advice (Sch. 2 para 5)" },
            ],
            short: "Exemption",
          },
        ],
        schema: z.object({
          requestText: z
            .string()
            .trim()
            .min(10, "Say whose data you need and what, in 10 characters or more")
            .max(10000),
          purpose: z
            .string()
            .trim()
            .min(10, "Explain why you need it, in 10 characters or more")
            .max(5000),
          policeExemption: z.enum(["sch2-para2", "sch2-para5"], {
            error: "Select the exemption you rely on",
          }),
        }),
      },
    ],
  },
  review: {
    kind: "review",
    title: "Ask for an internal review",
    steps: [
      {
        id: "review",
        title: "Which response are you unhappy with?",
        fields: [
          {
            name: "originalReference",
            label: "Reference of your original request",
            hint: "For example, FOI-2026-00012",
            kind: "text",
            short: "Original reference",
          },
          {
            name: "requestText",
            label: "What are you unhappy with?",
            hint: "For example, information you think we hold but did not give, or an exemption you think we applied wrongly",
            kind: "textarea",
            short: "What you are unhappy with",
          },
        ],
        schema: z.object({
          originalReference: z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^[A-Z]{2,4}-\d{4}-\d{5}$/, "Enter the reference in the format FOI-2026-00012"),
          requestText: z
            .string()
            .trim()
            .min(10, "Tell us what you are unhappy with, in 10 characters or more")
            .max(10000),
        }),
      },
      {
        ...detailsStep,
        intro: "Use the same email address as your original request, so we can link them.",
      },
    ],
  },
};

export const CHOICES = [
  {
    value: "information",
    text: "Ask for information the council holds",
    hint: "Such as spending, contracts, reports, or data about a service. We deal with this under the Freedom of Information Act, or the Environmental Information Regulations if it is about the environment. You do not need to know which.",
  },
  {
    value: "personal-data",
    text: "Get a copy of your own personal data, or use another data protection right",
    hint: "A subject access request, or asking us to correct or delete your data, limit or stop using it.",
  },
  {
    value: "police-or-organisation",
    text: "Ask for someone else's personal data as the police or another organisation",
    hint: "For crime prevention or legal proceedings, under Schedule 2 of the Data Protection Act 2018.",
  },
  {
    value: "review",
    text: "Ask us to review a response you were not happy with",
    hint: "An internal review of a response to an earlier request.",
  },
];

export function allFieldNames(flow: Flow): string[] {
  return flow.steps.flatMap((s) => s.fields.map((f) => f.name));
}
