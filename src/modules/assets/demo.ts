import type { AuditContext } from "../../platform/audit/audit-service.ts";
import { generatePassword } from "../../platform/auth/passwords.ts";
import type { Services } from "../../platform/services.ts";
import { addMonths, today } from "./assets-service.ts";

/**
 * The strategy's own systems as demo assets for the fictional Northmoor District Council, with owners,
 * risks, processing activities and the flows between them and to partners, so the map means something
 * on first start. Every name is invented; partner names are generic.
 */
const DOMAIN = "northmoor.example.gov.uk";

const extraOwners = [
  { name: "Nadia Sheikh", title: "Head of Customer Services" },
  { name: "David Okoro", title: "Head of Education" },
  { name: "Kerry Walsh", title: "Group Manager, Youth Support" },
  { name: "Imran Siddiqui", title: "Head of Planning" },
  { name: "Gwen Roberts", title: "Group Manager, Highways" },
  { name: "Alan Fairweather", title: "Superintendent Registrar" },
];

const email = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .replace(/ /g, ".")}@${DOMAIN}`;

interface DemoAsset {
  reference: string;
  name: string;
  owner: string;
  area: string;
  fields: Record<string, unknown>;
  risks?: { description: string; likelihood: number; impact: number; mitigation: string }[];
}

const personal = (
  subjects: string[],
  data: string[],
  bases: string[],
  conditions: string[] = [],
) => ({
  holdsPersonalData: true,
  dataSubjectCategories: subjects,
  personalDataCategories: data,
  lawfulBases: bases,
  specialConditions: conditions,
});

const assets: DemoAsset[] = [
  {
    reference: "IA-0001",
    name: "Mosaic (children's social care)",
    owner: "Priya Natarajan",
    area: "Children's Services",
    fields: {
      description:
        "Case management for children in need, child protection, looked-after children and care leavers.",
      purpose: "Statutory social care for children (Children Act 1989 and 2004)",
      assetType: "system",
      systemName: "Mosaic",
      hosting: "third-party",
      hostedBy: "Servelec",
      marking: "official-sensitive",
      ...personal(
        ["children", "looked-after-children", "parents-carers", "foster-carers"],
        [
          "identity",
          "contact",
          "date-of-birth",
          "identifiers",
          "family",
          "correspondence",
          "health",
          "racial-ethnic-origin",
          "criminal-offences",
        ],
        ["public-task", "legal-obligation"],
        ["health-social-care", "substantial-public-interest"],
      ),
      approximateVolume: "10k-100k",
      retention: "Until the 75th birthday of a looked-after child; 25th birthday otherwise",
      businessCriticality: "critical",
      vitalRecord: true,
      recoveryTimeObjective: "4 hours",
      backupArrangements: "Supplier's two UK data centres, nightly backups kept 30 days",
      accessControls: "Role-based access; sealed records for adoption",
      riskRating: "high",
    },
    risks: [
      {
        description: "Case notes shared with the wrong agency",
        likelihood: 2,
        impact: 5,
        mitigation: "Secure email only; MASH protocol",
      },
    ],
  },
  {
    reference: "IA-0002",
    name: "Care First (adult social care records)",
    owner: "Fiona Grant",
    area: "Adult Social Care",
    fields: {
      description: "Assessments, care plans and reviews for adults needing care and support.",
      purpose: "Care Act 2014 duties",
      assetType: "system",
      systemName: "Care First",
      hosting: "data-centre",
      marking: "official-sensitive",
      ...personal(
        ["adults-receiving-care", "vulnerable-adults", "parents-carers"],
        ["identity", "contact", "date-of-birth", "identifiers", "financial", "family", "health"],
        ["public-task"],
        ["health-social-care"],
      ),
      approximateVolume: "10k-100k",
      retention: "8 years after the end of care",
      businessCriticality: "critical",
      vitalRecord: true,
      recoveryTimeObjective: "8 hours",
      riskRating: "high",
    },
  },
  {
    reference: "IA-0003",
    name: "Caretrak (home care scheduling)",
    owner: "Fiona Grant",
    area: "Adult Social Care",
    fields: {
      description: "Schedules and monitors home care visits by commissioned agencies.",
      assetType: "system",
      systemName: "Caretrak",
      hosting: "cloud",
      hostedBy: "Caretrak Ltd",
      marking: "official-sensitive",
      ...personal(
        ["adults-receiving-care"],
        ["identity", "contact", "location", "health"],
        ["public-task"],
        ["health-social-care"],
      ),
      approximateVolume: "1k-10k",
      businessCriticality: "high",
      riskRating: "high",
      reviewDue: "2025-09-30",
    },
    risks: [
      {
        description: "Rosters with care needs emailed to agencies without encryption",
        likelihood: 4,
        impact: 4,
        mitigation: "Move agencies to the Caretrak portal",
      },
    ],
  },
  {
    reference: "IA-0004",
    name: "Govmetric (customer feedback)",
    owner: "Nadia Sheikh",
    area: "Customer Services",
    fields: {
      description: "Customer satisfaction ratings and comments from every channel.",
      assetType: "system",
      systemName: "Govmetric",
      hosting: "cloud",
      hostedBy: "Govmetric",
      marking: "official",
      ...personal(
        ["service-users", "complainants"],
        ["identity", "contact", "correspondence"],
        ["public-task"],
      ),
      approximateVolume: "10k-100k",
      retention: "2 years",
      businessCriticality: "low",
      riskRating: "low",
    },
  },
  {
    reference: "IA-0005",
    name: "Capita One (education management)",
    owner: "David Okoro",
    area: "Education and Special Educational Needs",
    fields: {
      description:
        "Pupil records, admissions, attendance, exclusions and special educational needs.",
      assetType: "system",
      systemName: "Capita One",
      hosting: "data-centre",
      marking: "official-sensitive",
      ...personal(
        ["pupils", "children", "parents-carers"],
        [
          "identity",
          "contact",
          "date-of-birth",
          "identifiers",
          "education",
          "family",
          "health",
          "racial-ethnic-origin",
        ],
        ["public-task", "legal-obligation"],
        ["substantial-public-interest"],
      ),
      approximateVolume: "10k-100k",
      retention: "Date of birth plus 25 years",
      businessCriticality: "high",
      vitalRecord: true,
      recoveryTimeObjective: "1 working day",
      riskRating: "medium",
    },
  },
  {
    reference: "IA-0006",
    name: "Integrated Youth Support Service records",
    owner: "Kerry Walsh",
    area: "Youth Support",
    fields: {
      description:
        "Young people's contacts with youth workers, and tracking of those not in education, employment or training.",
      assetType: "system",
      hosting: "data-centre",
      marking: "official-sensitive",
      ...personal(
        ["young-people"],
        ["identity", "contact", "date-of-birth", "education", "family", "health"],
        ["public-task"],
        ["substantial-public-interest"],
      ),
      approximateVolume: "1k-10k",
      businessCriticality: "medium",
      riskRating: "medium",
    },
  },
  {
    reference: "IA-0007",
    name: "Geographic information system (GIS)",
    owner: "Imran Siddiqui",
    area: "Planning and Regeneration",
    fields: {
      description: "Corporate mapping: land ownership, planning constraints, assets.",
      assetType: "system",
      hosting: "on-premises",
      marking: "official",
      holdsPersonalData: false,
      businessCriticality: "medium",
      publicDomain: true,
      riskRating: "low",
    },
  },
  {
    reference: "IA-0008",
    name: "Local land and property gazetteer (LLPG)",
    owner: "Imran Siddiqui",
    area: "Planning and Regeneration",
    fields: {
      description: "The council's definitive list of addresses and UPRNs.",
      assetType: "dataset",
      hosting: "on-premises",
      marking: "official",
      holdsPersonalData: false,
      businessCriticality: "high",
      vitalRecord: true,
      publicDomain: true,
      riskRating: "low",
    },
  },
  {
    reference: "IA-0009",
    name: "Uniform (planning, building control and licensing)",
    owner: "Imran Siddiqui",
    area: "Planning and Regeneration",
    fields: {
      description: "Planning applications, building control, licensing and enforcement cases.",
      assetType: "system",
      systemName: "Uniform",
      hosting: "data-centre",
      marking: "official",
      ...personal(
        ["planning-applicants", "licence-holders", "complainants"],
        ["identity", "contact", "property", "criminal-offences"],
        ["public-task", "legal-obligation"],
      ),
      approximateVolume: "100k-1m",
      businessCriticality: "high",
      riskRating: "medium",
      reviewDue: "2025-10-31",
    },
  },
  {
    reference: "IA-0010",
    name: "Symology (highways and street works)",
    owner: "Gwen Roberts",
    area: "Highways and Transport",
    fields: {
      description: "Highway inspections, defects, street works permits and customer reports.",
      assetType: "system",
      systemName: "Symology Insight",
      hosting: "third-party",
      hostedBy: "Symology",
      marking: "official",
      ...personal(["residents"], ["identity", "contact", "location"], ["public-task"]),
      businessCriticality: "medium",
      riskRating: "low",
    },
  },
  {
    reference: "IA-0011",
    name: "Council Tax and benefits",
    owner: "Marcus Hale",
    area: "Revenues and Benefits",
    fields: {
      description: "Council Tax accounts, Council Tax Support and Housing Benefit claims.",
      assetType: "system",
      systemName: "Revenues and benefits system",
      hosting: "third-party",
      hostedBy: "Revenues software supplier",
      marking: "official-sensitive",
      ...personal(
        ["council-tax-payers", "benefit-claimants", "property-owners"],
        [
          "identity",
          "contact",
          "identifiers",
          "financial",
          "benefits",
          "family",
          "housing",
          "health",
        ],
        ["legal-obligation", "public-task"],
        ["employment-social-security"],
      ),
      approximateVolume: "10k-100k",
      retention: "6 years after the end of the financial year",
      businessCriticality: "critical",
      vitalRecord: true,
      recoveryTimeObjective: "1 working day",
      riskRating: "medium",
    },
  },
  {
    reference: "IA-0012",
    name: "Registers of births, marriages and deaths",
    owner: "Alan Fairweather",
    area: "Registration Services",
    fields: {
      description:
        "Local registers and certificates; registrations made through the General Register Office's system.",
      assetType: "dataset",
      format: "hybrid",
      hosting: "on-premises",
      location: "Register office strongroom and the GRO's Registration Online system",
      marking: "official-sensitive",
      ...personal(
        ["registration-subjects"],
        ["identity", "contact", "date-of-birth", "family", "health"],
        ["legal-obligation"],
        ["substantial-public-interest"],
      ),
      approximateVolume: "100k-1m",
      retention: "Permanent",
      businessCriticality: "high",
      vitalRecord: true,
      riskRating: "medium",
    },
  },
];

type End = { asset: string } | { partner: string };
interface DemoFlow {
  name: string;
  from: End;
  to: End;
  fields: Record<string, unknown>;
}

const end = (side: "from" | "to", e: End) =>
  "asset" in e
    ? { [`${side}Kind`]: "asset", [`${side}AssetReference`]: e.asset }
    : { [`${side}Kind`]: "partner", [`${side}Partner`]: e.partner };

const POLICE = "Essex Police";
const NHS = "NHS integrated care board";
const ECC = "Essex County Council";

const secure = (agreement: string, method = "secure-email", frequency = "daily") => ({
  method,
  encryptedInTransit: true,
  frequency,
  agreement,
});

const flows: DemoFlow[] = [
  {
    name: "Safeguarding referrals to the police (MASH)",
    from: { asset: "IA-0001" },
    to: { partner: POLICE },
    fields: {
      personalData: true,
      dataCategories: ["identity", "family", "criminal-offences"],
      lawfulBases: ["public-task"],
      ...secure("Essex MASH information sharing agreement"),
    },
  },
  {
    name: "Domestic abuse notifications from the police",
    from: { partner: POLICE },
    to: { asset: "IA-0001" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "family", "criminal-offences"],
      lawfulBases: ["public-task"],
      ...secure("Essex MASH information sharing agreement"),
    },
  },
  {
    name: "Child protection information sharing with the NHS",
    from: { asset: "IA-0001" },
    to: { partner: NHS },
    fields: {
      personalData: true,
      dataCategories: ["identity", "identifiers", "health"],
      lawfulBases: ["public-task"],
      ...secure("CP-IS national agreement", "api", "real-time"),
    },
  },
  {
    name: "Hospital discharge notifications",
    from: { partner: NHS },
    to: { asset: "IA-0002" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "health"],
      lawfulBases: ["public-task"],
      ...secure("Discharge to assess protocol", "portal"),
    },
  },
  {
    name: "Care assessments for continuing healthcare",
    from: { asset: "IA-0002" },
    to: { partner: NHS },
    fields: {
      personalData: true,
      dataCategories: ["identity", "health", "financial"],
      lawfulBases: ["public-task"],
      ...secure("Continuing healthcare joint protocol", "secure-email", "weekly"),
    },
  },
  {
    name: "Care packages sent for scheduling",
    from: { asset: "IA-0002" },
    to: { asset: "IA-0003" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "contact", "health"],
      lawfulBases: ["public-task"],
      method: "api",
      encryptedInTransit: true,
      frequency: "daily",
    },
  },
  {
    name: "Visit rosters to home care agencies",
    from: { asset: "IA-0003" },
    to: { partner: "Home care agencies" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "contact", "health"],
      lawfulBases: ["public-task"],
      method: "email",
      encryptedInTransit: false,
      frequency: "weekly",
    },
  },
  {
    name: "Education details of children in need",
    from: { asset: "IA-0005" },
    to: { asset: "IA-0001" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "education"],
      lawfulBases: ["public-task"],
      method: "api",
      encryptedInTransit: true,
      frequency: "daily",
    },
  },
  {
    name: "School census and SEN returns",
    from: { asset: "IA-0005" },
    to: { partner: "Department for Education" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "education", "racial-ethnic-origin", "health"],
      lawfulBases: ["legal-obligation"],
      ...secure("Statutory return (Education Act 1996)", "portal", "quarterly"),
    },
  },
  {
    name: "Year 11 leavers for participation tracking",
    from: { asset: "IA-0005" },
    to: { asset: "IA-0006" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "contact", "education"],
      lawfulBases: ["public-task"],
      method: "sftp",
      encryptedInTransit: true,
      frequency: "annually",
    },
  },
  {
    name: "NEET returns to Essex partners",
    from: { asset: "IA-0006" },
    to: { partner: ECC },
    fields: {
      personalData: true,
      dataCategories: ["identity", "education"],
      lawfulBases: ["public-task"],
      ...secure("Essex youth services data sharing agreement", "portal", "monthly"),
    },
  },
  {
    name: "Housing Benefit data to the DWP",
    from: { asset: "IA-0011" },
    to: { partner: "Department for Work and Pensions" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "identifiers", "financial", "benefits"],
      lawfulBases: ["legal-obligation"],
      ...secure("DWP memorandum of understanding", "api", "real-time"),
    },
  },
  {
    name: "Benefit entitlement from the DWP",
    from: { partner: "Department for Work and Pensions" },
    to: { asset: "IA-0011" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "identifiers", "benefits"],
      lawfulBases: ["legal-obligation"],
      ...secure("DWP memorandum of understanding", "api", "real-time"),
    },
  },
  {
    name: "Tell Us Once death notifications",
    from: { asset: "IA-0012" },
    to: { asset: "IA-0011" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "date-of-birth"],
      lawfulBases: ["public-task"],
      method: "api",
      encryptedInTransit: true,
      frequency: "daily",
    },
  },
  {
    name: "Registrations to the General Register Office",
    from: { asset: "IA-0012" },
    to: { partner: "General Register Office" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "date-of-birth", "family", "health"],
      lawfulBases: ["legal-obligation"],
      ...secure("Registration Service Act 1953", "api", "real-time"),
    },
  },
  {
    name: "Address updates to the national gazetteer",
    from: { asset: "IA-0008" },
    to: { partner: "GeoPlace" },
    fields: {
      personalData: false,
      method: "sftp",
      encryptedInTransit: true,
      frequency: "weekly",
      agreement: "GeoPlace data co-operation agreement",
    },
  },
  {
    name: "Property references for billing",
    from: { asset: "IA-0008" },
    to: { asset: "IA-0011" },
    fields: { personalData: false, method: "api", encryptedInTransit: true, frequency: "daily" },
  },
  {
    name: "Addresses for planning cases",
    from: { asset: "IA-0008" },
    to: { asset: "IA-0009" },
    fields: { personalData: false, method: "api", encryptedInTransit: true, frequency: "daily" },
  },
  {
    name: "Addresses for highway reports",
    from: { asset: "IA-0008" },
    to: { asset: "IA-0010" },
    fields: { personalData: false, method: "api", encryptedInTransit: true, frequency: "daily" },
  },
  {
    name: "Planning application sites for mapping",
    from: { asset: "IA-0009" },
    to: { asset: "IA-0007" },
    fields: { personalData: false, method: "api", encryptedInTransit: true, frequency: "daily" },
  },
  {
    name: "Street works notices to the highway authority",
    from: { asset: "IA-0010" },
    to: { partner: ECC },
    fields: {
      personalData: false,
      method: "api",
      encryptedInTransit: true,
      frequency: "real-time",
      agreement: "Street works permit scheme",
    },
  },
  {
    name: "Feedback comments for analysis",
    from: { asset: "IA-0004" },
    to: { partner: "Feedback analytics supplier (United States)" },
    fields: {
      personalData: true,
      dataCategories: ["identity", "contact", "correspondence"],
      lawfulBases: ["public-task"],
      method: "api",
      encryptedInTransit: true,
      frequency: "daily",
      leavesUk: true,
      destinationCountry: "United States",
      transferSafeguard: "none",
      agreement: "Contract C-2291",
    },
  },
];

const activities = [
  {
    name: "Children's social care casework",
    assets: "IA-0001, IA-0005",
    fields: {
      businessFunction: "Children's Services",
      purposes:
        "Assessing and meeting the needs of children in need and protecting children from harm",
      dataSubjectCategories: ["children", "looked-after-children", "parents-carers"],
      personalDataCategories: ["identity", "contact", "family", "health", "criminal-offences"],
      lawfulBases: ["public-task", "legal-obligation"],
      specialConditions: ["health-social-care", "substantial-public-interest"],
      schedule1Condition: "Part 2, para 18: safeguarding of children and individuals at risk",
      recipientCategories: ["police", "nhs", "schools", "courts"],
      retention: "Until the 75th birthday of a looked-after child",
      dpiaStatus: "complete",
    },
  },
  {
    name: "Adult social care assessments and support",
    assets: "IA-0002, IA-0003",
    fields: {
      businessFunction: "Adult Social Care",
      purposes: "Care Act 2014 assessments, care planning and commissioning care",
      dataSubjectCategories: ["adults-receiving-care", "parents-carers"],
      personalDataCategories: ["identity", "contact", "financial", "health"],
      lawfulBases: ["public-task"],
      specialConditions: ["health-social-care"],
      recipientCategories: ["nhs", "processors"],
      retention: "8 years after the end of care",
      dpiaStatus: "in-progress",
    },
  },
  {
    name: "Council Tax and Housing Benefit administration",
    assets: "IA-0011",
    fields: {
      businessFunction: "Revenues and Benefits",
      purposes:
        "Billing and collecting Council Tax; assessing Council Tax Support and Housing Benefit",
      dataSubjectCategories: ["council-tax-payers", "benefit-claimants"],
      personalDataCategories: ["identity", "contact", "financial", "benefits", "housing"],
      lawfulBases: ["legal-obligation", "public-task"],
      recipientCategories: ["central-government", "courts"],
      retention: "6 years after the end of the financial year",
      dpiaStatus: "not-needed",
    },
  },
  {
    name: "Registration of births, marriages and deaths",
    assets: "IA-0012",
    fields: {
      businessFunction: "Registration Services",
      purposes: "Statutory registration and issuing certificates",
      dataSubjectCategories: ["registration-subjects"],
      personalDataCategories: ["identity", "date-of-birth", "family", "health"],
      lawfulBases: ["legal-obligation"],
      specialConditions: ["substantial-public-interest"],
      recipientCategories: ["central-government"],
      retention: "Permanent",
      dpiaStatus: "not-needed",
    },
  },
  {
    name: "Customer feedback",
    assets: "IA-0004",
    fields: {
      businessFunction: "Customer Services",
      purposes: "Measuring satisfaction and improving services",
      dataSubjectCategories: ["service-users"],
      personalDataCategories: ["identity", "contact", "correspondence"],
      lawfulBases: ["public-task"],
      recipientCategories: ["processors"],
      thirdCountryTransfers: "United States (analytics supplier)",
      retention: "2 years",
      dpiaStatus: "needed",
    },
  },
];

/** Loads the demo register once; does nothing if its first asset is already there. */
export async function loadAssetDemo(services: Services, ctx: AuditContext): Promise<void> {
  if (await services.assets.getByReference(assets[0].reference)) return;
  for (const person of extraOwners) {
    if (!(await services.users.findByEmail(email(person.name))))
      await services.users.create(ctx, {
        email: email(person.name),
        displayName: person.name,
        jobTitle: person.title,
        password: generatePassword(),
        roles: ["asset-owner"],
      });
  }
  const users = await services.users.list();
  const areas = await services.organisation.serviceAreas();
  const userId = (name: string) => users.find((u) => u.displayName === name)?.id ?? null;
  const areaId = (name: string) => areas.find((a) => a.name === name)?.id ?? null;
  const reviewed = addMonths(today(), -3);
  for (const a of assets) {
    const created = await services.assets.create(ctx, {
      format: "electronic",
      holdsPersonalData: false,
      reviewDue: addMonths(reviewed, 12),
      ...a.fields,
      reference: a.reference,
      name: a.name,
      ownerId: userId(a.owner),
      serviceAreaId: areaId(a.area),
    });
    for (const risk of a.risks ?? [])
      await services.assets.addRisk(ctx, created.id, { ...risk, ownerId: userId(a.owner) });
  }
  for (const f of flows)
    await services.flows.create(ctx, {
      name: f.name,
      ...end("from", f.from),
      ...end("to", f.to),
      ...f.fields,
    });
  for (const p of activities)
    await services.processing.create(ctx, { name: p.name, assetReferences: p.assets, ...p.fields });
}
