import type { FieldDef } from "../fields.ts";
import {
  DATA_SUBJECT_CATEGORIES,
  DPIA_STATUSES,
  LAWFUL_BASES,
  PERSONAL_DATA_CATEGORIES,
  RECIPIENT_CATEGORIES,
  SPECIAL_CATEGORY_CONDITIONS,
} from "../vocabularies.ts";

/** UK GDPR Art. 30(1) and the extras the ICO's documentation template recommends. */
export const PROCESSING_FIELDS: readonly FieldDef[] = [
  {
    name: "reference",
    label: "Reference",
    hint: "Leave blank to be given the next number, like PA-0007",
    kind: "text",
    max: 40,
    section: "The processing",
  },
  {
    name: "name",
    label: "Name of the processing activity",
    kind: "text",
    required: true,
    missing: "Enter the name of the processing activity",
    section: "The processing",
  },
  { name: "businessFunction", label: "Business function", kind: "text", section: "The processing" },
  { name: "serviceAreaId", label: "Service area", kind: "serviceArea", section: "The processing" },
  { name: "ownerId", label: "Responsible manager", kind: "user", section: "The processing" },
  {
    name: "purposes",
    label: "Purposes of the processing",
    kind: "textarea",
    required: true,
    missing: "Enter the purposes of the processing",
    section: "The processing",
  },
  {
    name: "assetReferences",
    label: "Information assets used",
    hint: "Asset references from the register, separated by commas, like IA-0001, IA-0004",
    kind: "textarea",
    max: 5000,
    section: "The processing",
  },
  {
    name: "controller",
    label: "Controller",
    hint: "Name and contact details. Leave blank for the council",
    kind: "textarea",
    max: 1000,
    section: "Controller",
  },
  {
    name: "jointController",
    label: "Joint controller",
    hint: "Name and contact details, if any",
    kind: "textarea",
    max: 1000,
    section: "Controller",
  },
  { name: "representative", label: "Representative", kind: "text", section: "Controller" },
  {
    name: "dpoContact",
    label: "Data Protection Officer",
    hint: "Leave blank for the council's DPO",
    kind: "text",
    section: "Controller",
  },
  {
    name: "dataSubjectCategories",
    label: "Categories of individuals",
    kind: "checkboxes",
    options: DATA_SUBJECT_CATEGORIES,
    section: "Personal data",
  },
  {
    name: "personalDataCategories",
    label: "Categories of personal data",
    kind: "checkboxes",
    options: PERSONAL_DATA_CATEGORIES,
    section: "Personal data",
  },
  {
    name: "dataSource",
    label: "Source of the personal data",
    kind: "textarea",
    max: 1000,
    section: "Personal data",
  },
  {
    name: "lawfulBases",
    label: "Article 6 lawful basis",
    kind: "checkboxes",
    options: LAWFUL_BASES,
    section: "Lawful basis",
  },
  {
    name: "legitimateInterests",
    label: "Legitimate interests",
    hint: "If relying on legitimate interests, what they are and where the assessment is",
    kind: "textarea",
    max: 2000,
    section: "Lawful basis",
  },
  {
    name: "specialConditions",
    label: "Article 9 condition for special category data",
    kind: "checkboxes",
    options: SPECIAL_CATEGORY_CONDITIONS,
    section: "Lawful basis",
  },
  {
    name: "schedule1Condition",
    label: "Condition in Schedule 1 of the DPA 2018",
    kind: "text",
    section: "Lawful basis",
  },
  {
    name: "appropriatePolicyDocument",
    label: "Appropriate policy document",
    hint: "A link or reference",
    kind: "text",
    section: "Lawful basis",
  },
  {
    name: "recipientCategories",
    label: "Categories of recipients",
    kind: "checkboxes",
    options: RECIPIENT_CATEGORIES,
    section: "Recipients and transfers",
  },
  {
    name: "recipientsDetail",
    label: "Recipients in more detail",
    kind: "textarea",
    max: 2000,
    section: "Recipients and transfers",
  },
  {
    name: "thirdCountryTransfers",
    label: "Third countries or international organisations the data goes to",
    kind: "textarea",
    max: 1000,
    section: "Recipients and transfers",
  },
  {
    name: "transferSafeguards",
    label: "Safeguards for those transfers",
    kind: "textarea",
    max: 1000,
    section: "Recipients and transfers",
  },
  {
    name: "retention",
    label: "Retention schedule",
    kind: "textarea",
    max: 2000,
    section: "Retention and security",
  },
  {
    name: "securityMeasures",
    label: "Technical and organisational security measures",
    kind: "textarea",
    max: 3000,
    section: "Retention and security",
  },
  {
    name: "dataLocation",
    label: "Location of the personal data",
    kind: "text",
    section: "Retention and security",
  },
  {
    name: "rightsAvailable",
    label: "Rights available to individuals",
    kind: "textarea",
    max: 1000,
    section: "Rights and accountability",
  },
  {
    name: "automatedDecisionMaking",
    label: "Automated decision-making, including profiling",
    hint: "Leave blank if there is none",
    kind: "textarea",
    max: 1000,
    section: "Rights and accountability",
  },
  {
    name: "consentRecords",
    label: "Link to the record of consent",
    kind: "text",
    section: "Rights and accountability",
  },
  {
    name: "processorContract",
    label: "Link to the contract with the processor",
    kind: "text",
    section: "Rights and accountability",
  },
  {
    name: "dpiaStatus",
    label: "Data protection impact assessment",
    kind: "select",
    options: DPIA_STATUSES,
    section: "Rights and accountability",
  },
  {
    name: "dpiaLink",
    label: "Link to the DPIA",
    kind: "text",
    section: "Rights and accountability",
  },
  {
    name: "breachRecords",
    label: "Personal data breaches",
    hint: "References to breach records, if any",
    kind: "text",
    section: "Rights and accountability",
  },
];

export interface ProcessingInput {
  reference: string | null;
  name: string;
  businessFunction: string | null;
  serviceAreaId: string | null;
  ownerId: string | null;
  purposes: string;
  assetReferences: string | null;
  controller: string | null;
  jointController: string | null;
  representative: string | null;
  dpoContact: string | null;
  dataSubjectCategories: string[];
  personalDataCategories: string[];
  dataSource: string | null;
  lawfulBases: string[];
  legitimateInterests: string | null;
  specialConditions: string[];
  schedule1Condition: string | null;
  appropriatePolicyDocument: string | null;
  recipientCategories: string[];
  recipientsDetail: string | null;
  thirdCountryTransfers: string | null;
  transferSafeguards: string | null;
  retention: string | null;
  securityMeasures: string | null;
  dataLocation: string | null;
  rightsAvailable: string | null;
  automatedDecisionMaking: string | null;
  consentRecords: string | null;
  processorContract: string | null;
  dpiaStatus: string | null;
  dpiaLink: string | null;
  breachRecords: string | null;
}
