import type { Services } from "../../../platform/services.ts";
import { display, type FieldDef } from "../fields.ts";
import { type Sheet, toCsv, toXlsx } from "../spreadsheet/write.ts";
import { PROCESSING_FIELDS } from "./processing-fields.ts";
import type { ProcessingActivity } from "./processing-service.ts";

const field = (name: string) => PROCESSING_FIELDS.find((f) => f.name === name) as FieldDef;

/**
 * The columns of the ICO's documentation template for controllers (Art. 30(1) and its recommended extras),
 * in the template's order and wording, each with how Steward fills it.
 */
export function ropaColumns(controller: { name: string; dpo: string }) {
  const text = (name: string) => (a: ProcessingActivity) =>
    display(field(name), a[name as keyof ProcessingActivity]);
  const columns: [string, (a: ProcessingActivity) => string][] = [
    ["Reference", (a) => a.reference],
    ["Business function", (a) => a.businessFunction ?? a.serviceAreaName ?? ""],
    ["Processing activity", (a) => a.name],
    ["Name and contact details of controller", (a) => a.controller ?? controller.name],
    ["Name and contact details of joint controller (if applicable)", text("jointController")],
    ["Name and contact details of representative (if applicable)", text("representative")],
    [
      "Name and contact details of data protection officer (if applicable)",
      (a) => a.dpoContact ?? controller.dpo,
    ],
    ["Purpose of processing", text("purposes")],
    ["Name and contact details of processor (if applicable)", text("processorContract")],
    ["Categories of individuals", text("dataSubjectCategories")],
    ["Categories of personal data", text("personalDataCategories")],
    [
      "Categories of recipients",
      (a) => [text("recipientCategories")(a), a.recipientsDetail ?? ""].filter(Boolean).join(". "),
    ],
    ["Link to contract with processor", text("processorContract")],
    [
      "Names of third countries or international organisations that personal data are transferred to (if applicable)",
      text("thirdCountryTransfers"),
    ],
    [
      "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)",
      text("transferSafeguards"),
    ],
    ["Retention schedule (if possible)", text("retention")],
    [
      "General description of technical and organisational security measures (if possible)",
      text("securityMeasures"),
    ],
    ["Article 6 lawful basis for processing personal data", text("lawfulBases")],
    ["Legitimate interests for the processing (if applicable)", text("legitimateInterests")],
    ["Rights available to individuals", text("rightsAvailable")],
    [
      "Existence of automated decision-making, including profiling (if applicable)",
      text("automatedDecisionMaking"),
    ],
    ["The source of the personal data (if applicable)", text("dataSource")],
    ["Link to record of consent", text("consentRecords")],
    ["Location of personal data", text("dataLocation")],
    [
      "Data Protection Impact Assessment required?",
      (a) => (a.dpiaStatus ? (a.dpiaStatus === "not-needed" ? "No" : "Yes") : ""),
    ],
    ["Data Protection Impact Assessment progress", text("dpiaStatus")],
    ["Link to Data Protection Impact Assessment", text("dpiaLink")],
    ["Personal data breach?", (a) => (a.breachRecords ? "Yes" : "No")],
    ["Link to record of personal data breach", text("breachRecords")],
    ["Article 9 basis for processing special category data", text("specialConditions")],
    [
      "Condition for processing special category or criminal offence data (Schedule 1 DPA 2018)",
      text("schedule1Condition"),
    ],
    ["Link to appropriate policy document", text("appropriatePolicyDocument")],
    [
      "Information assets (Steward register references)",
      (a) => a.assets.map((x) => x.reference).join("; "),
    ],
  ];
  return columns;
}

async function ropaSheet(services: Services): Promise<Sheet> {
  const [activities, roles] = await Promise.all([
    services.processing.all(),
    services.organisation.governanceRoles(),
  ]);
  const dpo = roles.find((r) => r.role === "dpo");
  const columns = ropaColumns({
    name: services.config.COUNCIL_NAME,
    dpo: dpo ? `${dpo.holderName}, ${dpo.holderTitle}` : "",
  });
  return {
    name: "Record of processing",
    headings: columns.map(([h]) => h),
    rows: activities.map((a) => columns.map(([, value]) => value(a))),
  };
}

export async function ropaWorkbook(services: Services): Promise<Buffer> {
  return toXlsx(
    [await ropaSheet(services)],
    `Record of processing activities, ${services.config.COUNCIL_NAME}`,
  );
}

export async function ropaCsv(services: Services): Promise<string> {
  return toCsv(await ropaSheet(services));
}
