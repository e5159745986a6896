import type { FieldDef } from "../fields.ts";
import {
  ENDPOINT_KINDS,
  FLOW_METHODS,
  FREQUENCIES,
  LAWFUL_BASES,
  PERSONAL_DATA_CATEGORIES,
  TRANSFER_SAFEGUARDS,
} from "../vocabularies.ts";

/** A flow of information between assets, services and partner organisations (DOMAIN.md §2). */
export const FLOW_FIELDS: readonly FieldDef[] = [
  {
    name: "reference",
    label: "Reference",
    hint: "Leave blank to be given the next number, like DF-0012",
    kind: "text",
    max: 40,
    section: "The flow",
  },
  {
    name: "name",
    label: "What flows",
    hint: "For example, Referrals from the police to children's social care",
    kind: "text",
    required: true,
    missing: "Say what flows",
    section: "The flow",
  },
  { name: "purpose", label: "Purpose", kind: "textarea", max: 2000, section: "The flow" },
  {
    name: "fromKind",
    label: "Comes from",
    kind: "select",
    options: ENDPOINT_KINDS,
    required: true,
    missing: "Select where the flow comes from",
    section: "From",
  },
  {
    name: "fromAssetReference",
    label: "Asset it comes from",
    hint: "The asset's reference in the register, like IA-0003",
    kind: "text",
    max: 40,
    section: "From",
  },
  {
    name: "fromServiceAreaId",
    label: "Council service it comes from",
    kind: "serviceArea",
    section: "From",
  },
  {
    name: "fromPartner",
    label: "Partner organisation it comes from",
    kind: "text",
    section: "From",
  },
  {
    name: "toKind",
    label: "Goes to",
    kind: "select",
    options: ENDPOINT_KINDS,
    required: true,
    missing: "Select where the flow goes",
    section: "To",
  },
  {
    name: "toAssetReference",
    label: "Asset it goes to",
    hint: "The asset's reference in the register, like IA-0003",
    kind: "text",
    max: 40,
    section: "To",
  },
  {
    name: "toServiceAreaId",
    label: "Council service it goes to",
    kind: "serviceArea",
    section: "To",
  },
  { name: "toPartner", label: "Partner organisation it goes to", kind: "text", section: "To" },
  {
    name: "personalData",
    label: "Includes personal data",
    kind: "yesno",
    required: true,
    missing: "Select yes if the flow includes personal data",
    section: "The data",
  },
  {
    name: "dataCategories",
    label: "Categories of personal data",
    kind: "checkboxes",
    options: PERSONAL_DATA_CATEGORIES,
    section: "The data",
  },
  {
    name: "lawfulBases",
    label: "Lawful basis (Art. 6)",
    kind: "checkboxes",
    options: LAWFUL_BASES,
    section: "The data",
  },
  {
    name: "method",
    label: "Method",
    kind: "select",
    options: FLOW_METHODS,
    section: "How it moves",
  },
  {
    name: "encryptedInTransit",
    label: "Encrypted in transit",
    kind: "yesno",
    section: "How it moves",
  },
  {
    name: "frequency",
    label: "Frequency",
    kind: "select",
    options: FREQUENCIES,
    section: "How it moves",
  },
  {
    name: "volume",
    label: "Volume",
    hint: "For example, about 200 records a month",
    kind: "text",
    max: 200,
    section: "How it moves",
  },
  { name: "leavesUk", label: "Leaves the UK", kind: "yesno", section: "Where it goes" },
  {
    name: "destinationCountry",
    label: "Country it goes to",
    kind: "text",
    max: 100,
    section: "Where it goes",
  },
  {
    name: "transferSafeguard",
    label: "Safeguard for the transfer",
    kind: "select",
    options: TRANSFER_SAFEGUARDS,
    section: "Where it goes",
  },
  {
    name: "agreement",
    label: "Sharing agreement or contract",
    hint: "The agreement or contract that covers this flow: its name or reference",
    kind: "text",
    section: "Where it goes",
  },
];

export interface FlowInput {
  reference: string | null;
  name: string;
  purpose: string | null;
  fromKind: "asset" | "service" | "partner";
  fromAssetReference: string | null;
  fromServiceAreaId: string | null;
  fromPartner: string | null;
  toKind: "asset" | "service" | "partner";
  toAssetReference: string | null;
  toServiceAreaId: string | null;
  toPartner: string | null;
  personalData: boolean;
  dataCategories: string[];
  lawfulBases: string[];
  method: string | null;
  encryptedInTransit: boolean;
  frequency: string | null;
  volume: string | null;
  leavesUk: boolean;
  destinationCountry: string | null;
  transferSafeguard: string | null;
  agreement: string | null;
}
