import type { FieldDef } from "./fields.ts";
import {
  ASSET_TYPES,
  CRITICALITY,
  DATA_SUBJECT_CATEGORIES,
  FORMATS,
  HOSTING,
  LAWFUL_BASES,
  MARKINGS,
  PERSONAL_DATA_CATEGORIES,
  RISK_RATINGS,
  SPECIAL_CATEGORY_CONDITIONS,
  VOLUMES,
} from "./vocabularies.ts";

/** Every field an Information Asset Register keeps (TNA guidance and published council IARs). */
export const ASSET_FIELDS: readonly FieldDef[] = [
  {
    name: "reference",
    label: "Asset reference",
    hint: "Leave blank to be given the next number, like IA-0042",
    kind: "text",
    max: 40,
    section: "About the asset",
    headings: ["asset id", "asset ref", "asset number", "ref", "reference", "id"],
  },
  {
    name: "name",
    label: "Asset name",
    kind: "text",
    required: true,
    missing: "Enter the asset's name",
    section: "About the asset",
    headings: ["asset", "information asset", "name", "title", "asset title", "system name"],
  },
  {
    name: "description",
    label: "Description",
    kind: "textarea",
    section: "About the asset",
    headings: ["asset description", "description of asset", "details"],
  },
  {
    name: "purpose",
    label: "Purpose",
    hint: "Why the council holds it",
    kind: "textarea",
    section: "About the asset",
    headings: ["purpose of asset", "business purpose", "why held", "purpose of processing"],
  },
  {
    name: "assetType",
    label: "Type",
    kind: "select",
    options: ASSET_TYPES,
    required: true,
    missing: "Select the type of asset",
    section: "About the asset",
    headings: ["asset type", "type of asset", "category"],
  },
  {
    name: "format",
    label: "Format",
    kind: "select",
    options: FORMATS,
    required: true,
    missing: "Select the format",
    section: "About the asset",
    headings: ["format of asset", "medium", "electronic or paper"],
  },
  {
    name: "systemName",
    label: "System or software",
    hint: "The product that holds it, if any",
    kind: "text",
    section: "About the asset",
    headings: ["system", "software", "application", "system used"],
  },
  {
    name: "hosting",
    label: "Where it is hosted",
    kind: "select",
    options: HOSTING,
    section: "About the asset",
    headings: ["hosted", "hosting", "hosted where", "on premise or cloud"],
  },
  {
    name: "hostedBy",
    label: "Supplier or host",
    hint: "The company that hosts or supplies it, if not the council",
    kind: "text",
    section: "About the asset",
    headings: ["supplier", "third party", "hosted by", "vendor", "third party supplier"],
  },
  {
    name: "location",
    label: "Location",
    hint: "Where the information is kept: building, server, drive path or cloud region",
    kind: "text",
    section: "About the asset",
    headings: ["location of asset", "physical location", "storage location", "where held"],
  },
  {
    name: "publicDomain",
    label: "In the public domain",
    kind: "yesno",
    section: "About the asset",
    headings: ["public domain", "published", "publicly available", "in public domain (y/n)"],
  },
  {
    name: "ownerId",
    label: "Information Asset Owner",
    hint: "A senior manager who answers for the asset",
    kind: "user",
    section: "Responsibility",
    headings: ["information asset owner", "iao", "asset owner", "owner"],
  },
  {
    name: "administratorId",
    label: "Information asset administrator",
    hint: "Looks after it day to day",
    kind: "user",
    section: "Responsibility",
    headings: [
      "information asset administrator",
      "iaa",
      "asset administrator",
      "administrator",
      "custodian",
    ],
  },
  {
    name: "serviceAreaId",
    label: "Service area",
    kind: "serviceArea",
    section: "Responsibility",
    headings: ["service", "service area", "department", "directorate", "team", "business area"],
  },
  {
    name: "marking",
    label: "Protective marking",
    hint: "OFFICIAL-SENSITIVE is a handling caveat within OFFICIAL, not a fourth tier",
    kind: "select",
    options: MARKINGS,
    required: true,
    missing: "Select the protective marking",
    section: "Classification and personal data",
    headings: [
      "protective marking",
      "security classification",
      "classification",
      "marking",
      "gscp",
    ],
  },
  {
    name: "holdsPersonalData",
    label: "Holds personal data",
    kind: "yesno",
    required: true,
    missing: "Select yes if the asset holds personal data",
    section: "Classification and personal data",
    headings: [
      "contains personal data (y/n)",
      "contains personal data",
      "personal data",
      "personal data (y/n)",
      "holds personal data",
      "personal information",
    ],
  },
  {
    name: "dataSubjectCategories",
    label: "Categories of data subjects",
    hint: "Whose personal data it holds",
    kind: "checkboxes",
    options: DATA_SUBJECT_CATEGORIES,
    section: "Classification and personal data",
    headings: [
      "data subjects",
      "categories of data subjects",
      "categories of individuals",
      "whose data",
    ],
  },
  {
    name: "personalDataCategories",
    label: "Categories of personal data",
    hint: "Special category (Art. 9) and criminal offence (Art. 10) data are at the end of the list",
    kind: "checkboxes",
    options: PERSONAL_DATA_CATEGORIES,
    section: "Classification and personal data",
    headings: [
      "categories of personal data",
      "personal data categories",
      "data categories",
      "types of data",
    ],
  },
  {
    name: "approximateVolume",
    label: "Approximate volume",
    kind: "select",
    options: VOLUMES,
    section: "Classification and personal data",
    headings: ["volume", "number of records", "approximate volume", "records held"],
  },
  {
    name: "lawfulBases",
    label: "Lawful basis (Art. 6)",
    kind: "checkboxes",
    options: LAWFUL_BASES,
    section: "Classification and personal data",
    headings: [
      "lawful basis",
      "legal basis",
      "article 6 basis",
      "art 6",
      "legal basis for processing",
    ],
  },
  {
    name: "specialConditions",
    label: "Special category condition (Art. 9)",
    kind: "checkboxes",
    options: SPECIAL_CATEGORY_CONDITIONS,
    section: "Classification and personal data",
    headings: [
      "article 9 condition",
      "art 9",
      "special category condition",
      "condition for special category",
    ],
  },
  {
    name: "retention",
    label: "Retention rule",
    hint: "How long it is kept and what happens then, with the schedule reference",
    kind: "textarea",
    max: 2000,
    section: "Classification and personal data",
    headings: [
      "retention period",
      "retention",
      "retention rule",
      "retention schedule",
      "how long kept",
    ],
  },
  {
    name: "sharedWith",
    label: "Shared with",
    kind: "textarea",
    max: 2000,
    section: "Classification and personal data",
    headings: ["shared with", "who is it shared with", "recipients", "data sharing"],
  },
  {
    name: "businessCriticality",
    label: "Business criticality",
    kind: "select",
    options: CRITICALITY,
    section: "Continuity and security",
    headings: ["business critical", "criticality", "business criticality", "importance"],
  },
  {
    name: "vitalRecord",
    label: "Vital record",
    hint: "Needed to carry on or to restore the council's work after a disaster",
    kind: "yesno",
    section: "Continuity and security",
    headings: ["vital record", "vital record (y/n)", "vital"],
  },
  {
    name: "recoveryTimeObjective",
    label: "Recovery time objective",
    hint: "For example, 4 hours or 2 working days",
    kind: "text",
    max: 100,
    section: "Continuity and security",
    headings: ["rto", "recovery time objective", "recovery time"],
  },
  {
    name: "backupArrangements",
    label: "Backup and disaster recovery",
    kind: "textarea",
    max: 2000,
    section: "Continuity and security",
    headings: [
      "backup",
      "backup arrangements",
      "disaster recovery",
      "backup and dr",
      "business continuity",
    ],
  },
  {
    name: "accessControls",
    label: "Access controls",
    kind: "textarea",
    max: 2000,
    section: "Continuity and security",
    headings: ["access controls", "who has access", "access", "security controls"],
  },
  {
    name: "riskRating",
    label: "Overall risk rating",
    kind: "select",
    options: RISK_RATINGS,
    section: "Continuity and security",
    headings: ["risk rating", "risk", "risk level", "overall risk"],
  },
  {
    name: "reviewDue",
    label: "Next review due",
    hint: "Owners review their assets every year. For example, 2026-03-31",
    kind: "date",
    section: "Review",
    headings: [
      "review date",
      "next review",
      "review due",
      "next review date",
      "date of next review",
    ],
  },
  {
    name: "lastReviewed",
    label: "Last reviewed",
    hint: "Set when the owner confirms or corrects the entry",
    kind: "date",
    section: "Review",
    headings: ["last reviewed", "date last reviewed", "reviewed", "last review date"],
  },
];

/** Fields people edit in the asset form (the last review date is set by the review itself). */
export const ASSET_FORM_FIELDS = ASSET_FIELDS.filter((f) => f.name !== "lastReviewed");

export interface AssetInput {
  reference: string | null;
  name: string;
  description: string | null;
  purpose: string | null;
  assetType: string;
  format: string;
  systemName: string | null;
  hosting: string | null;
  hostedBy: string | null;
  location: string | null;
  publicDomain: boolean;
  ownerId: string | null;
  administratorId: string | null;
  serviceAreaId: string | null;
  marking: string;
  holdsPersonalData: boolean;
  dataSubjectCategories: string[];
  personalDataCategories: string[];
  approximateVolume: string | null;
  lawfulBases: string[];
  specialConditions: string[];
  retention: string | null;
  sharedWith: string | null;
  businessCriticality: string | null;
  vitalRecord: boolean;
  recoveryTimeObjective: string | null;
  backupArrangements: string | null;
  accessControls: string | null;
  riskRating: string | null;
  reviewDue: string | null;
  lastReviewed: string | null;
}
