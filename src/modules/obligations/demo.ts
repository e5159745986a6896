import type { AuditContext } from "../../platform/audit/audit-service.ts";
import type { Services } from "../../platform/services.ts";
import { addDays, addMonths, today } from "./dates.ts";
import type { RuleInput } from "./retention/schedule.ts";

/** Demo data for the four registers of the fictional council. Dates are relative to today. */
const DOMAIN = "northmoor.example.gov.uk";

const rules: Omit<RuleInput, "ownerId" | "serviceAreaId" | "notes">[] = [
  {
    code: "HOU-01",
    businessFunction: "Housing",
    activity: "Tenancy management",
    recordType: "Tenancy files",
    trigger: "end-of-tenancy",
    periodYears: 6,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "Limitation Act 1980 s.5",
  },
  {
    code: "HOU-02",
    businessFunction: "Housing",
    activity: "Homelessness",
    recordType: "Homelessness applications",
    trigger: "closure",
    periodYears: 6,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "LGA retention guidelines",
  },
  {
    code: "CHS-01",
    businessFunction: "Children's services",
    activity: "Looked-after children",
    recordType: "Case files of looked-after children",
    trigger: "date-of-birth",
    periodYears: 75,
    periodMonths: 0,
    disposalAction: "review",
    authority: "Care Planning, Placement and Case Review (England) Regulations 2010 reg.50",
  },
  {
    code: "EDU-01",
    businessFunction: "Education",
    activity: "Special educational needs",
    recordType: "EHC plan files",
    trigger: "date-of-birth",
    periodYears: 25,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "IRMS Schools Toolkit",
  },
  {
    code: "REV-01",
    businessFunction: "Revenues and benefits",
    activity: "Council tax",
    recordType: "Council tax accounts",
    trigger: "end-of-financial-year",
    periodYears: 6,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "Limitation Act 1980 s.9",
  },
  {
    code: "HR-01",
    businessFunction: "Human resources",
    activity: "Employment",
    recordType: "Personnel files",
    trigger: "end-of-employment",
    periodYears: 6,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "Limitation Act 1980",
  },
  {
    code: "DEM-01",
    businessFunction: "Democracy",
    activity: "Council meetings",
    recordType: "Signed minutes of council and committees",
    trigger: "permanent",
    periodYears: null,
    periodMonths: 0,
    disposalAction: "archive",
    authority: "Local Government Act 1972 s.228",
  },
  {
    code: "PRO-01",
    businessFunction: "Procurement",
    activity: "Contracts",
    recordType: "Contracts under seal",
    trigger: "end-of-contract",
    periodYears: 12,
    periodMonths: 0,
    disposalAction: "destroy",
    authority: "Limitation Act 1980 s.8",
  },
];

export async function loadObligationsDemo(services: Services, ctx: AuditContext): Promise<void> {
  const { retention, sharing, processors, training } = services;
  if ((await retention.ruleByCode("HOU-01")) !== undefined) return; // loaded already
  const user = async (name: string) =>
    (await services.users.findByEmail(`${name.toLowerCase().replace(/ /g, ".")}@${DOMAIN}`))?.id ??
    null;
  const housingOwner = await user("Marcus Hale");
  const careOwner = await user("Fiona Grant");
  const igLead = await user("Helen Marsh");
  const on = today();

  const ruleIds = new Map<string, string>();
  for (const r of rules) {
    const saved = await retention.saveRule(ctx, {
      ...r,
      notes: null,
      ownerId: null,
      serviceAreaId: null,
    });
    ruleIds.set(r.code, saved.id);
  }
  // Files and boxes: some reach their date this month, one is under a legal hold, one is deferred.
  const boxes = [
    {
      reference: "HOU-BOX-0141",
      description: "Ended tenancies, Marsh Lane estate",
      rule: "HOU-01",
      trigger: addMonths(on, -72),
      owner: housingOwner,
    },
    {
      reference: "HOU-BOX-0142",
      description: "Ended tenancies, Riverside flats",
      rule: "HOU-01",
      trigger: addDays(addMonths(on, -72), -20),
      owner: housingOwner,
    },
    {
      reference: "HOU-BOX-0150",
      description: "Homelessness applications closed",
      rule: "HOU-02",
      trigger: addDays(addMonths(on, -72), -40),
      owner: housingOwner,
    },
    {
      reference: "HOU-BOX-0163",
      description: "Ended tenancies, Northgate",
      rule: "HOU-01",
      trigger: addMonths(on, -60),
      owner: housingOwner,
    },
    {
      reference: "REV-BOX-0031",
      description: "Council tax accounts closed",
      rule: "REV-01",
      trigger: addMonths(on, -73),
      owner: null,
    },
    {
      reference: "ASC-FILE-2209",
      description: "Adult social care complaint files",
      rule: "HOU-02",
      trigger: addMonths(on, -75),
      owner: careOwner,
    },
  ];
  const boxIds = new Map<string, string>();
  for (const b of boxes)
    boxIds.set(
      b.reference,
      await retention.addCollection(ctx, {
        reference: b.reference,
        description: b.description,
        ruleId: ruleIds.get(b.rule) as string,
        location: "Records centre, Unit 4",
        ownerId: b.owner,
        serviceAreaId: null,
        triggerDate: b.trigger,
      }),
    );
  await retention.placeHold(ctx, {
    kind: "litigation",
    reason: "Disrepair claim NM/2025/0417",
    collectionId: boxIds.get("HOU-BOX-0142") as string,
  });

  // Partners and agreements, several under the county-wide protocol.
  const framework = "Whole Essex Information Sharing Framework (WEISF)";
  const partner = async (
    name: string,
    kind: Parameters<typeof sharing.addPartner>[1]["kind"],
    contactEmail: string | null,
  ) => sharing.addPartner(ctx, { name, kind, contactName: null, contactEmail });
  const nhs = await partner("Mid and South Essex NHS Foundation Trust", "nhs", "ig@example.nhs.uk");
  const icb = await partner("Northmoor Integrated Care Board", "nhs", null);
  const police = await partner("Essex Police", "police", "information.sharing@example.police.uk");
  const county = await partner("Essex County Council", "council", null);
  const district = await partner("Braxted District Council", "council", null);
  const fire = await partner("Essex County Fire and Rescue Service", "fire-rescue", null);
  const charity = await partner("Northmoor Citizens Advice", "charity", null);
  const agreement = async (
    title: string,
    partnerIds: string[],
    extra: {
      purpose: string;
      dataItems: string;
      lawfulBasis: string;
      start: string;
      review: string | null;
      end: string | null;
      status: "active" | "draft";
      framework?: string | null;
    },
  ) =>
    sharing.saveAgreement(ctx, {
      title,
      partnerIds,
      purpose: extra.purpose,
      lawfulBasis: extra.lawfulBasis,
      dataItems: extra.dataItems,
      signatories: "Aisha Rahman, SIRO, Northmoor Borough Council",
      framework: extra.framework === undefined ? framework : extra.framework,
      startDate: extra.start,
      reviewDate: extra.review,
      endDate: extra.end,
      status: extra.status,
      ownerId: igLead,
    });
  await agreement("Hospital discharge and adult social care", [nhs, icb], {
    purpose: "Plan safe discharge from hospital and arrange care and support",
    dataItems: "Name, address, date of birth, NHS number, care needs, discharge date",
    lawfulBasis: "public-task",
    start: addMonths(on, -20),
    review: addDays(on, 14),
    end: addMonths(on, 16),
    status: "active",
  });
  await agreement("Multi-agency safeguarding hub", [police, county, nhs], {
    purpose: "Share information to protect children and adults at risk",
    dataItems:
      "Names, addresses, household members, concerns, police and health information relevant to risk",
    lawfulBasis: "public-task",
    start: addMonths(on, -30),
    review: addDays(on, -10),
    end: null,
    status: "active",
  });
  await agreement("Community safety partnership", [police, district, fire], {
    purpose: "Reduce crime and anti-social behaviour under the Crime and Disorder Act 1998 s.17",
    dataItems: "Incident locations, offender and victim details where necessary",
    lawfulBasis: "legal-obligation",
    start: addMonths(on, -40),
    review: addMonths(on, -4),
    end: addDays(on, -15),
    status: "active",
  });
  await agreement("Debt advice referrals", [charity], {
    purpose: "Refer residents in council tax arrears to free debt advice, with consent",
    dataItems: "Name, contact details, amount owed",
    lawfulBasis: "consent",
    start: addMonths(on, -6),
    review: addMonths(on, 6),
    end: null,
    status: "active",
    framework: null,
  });

  // Processors.
  const allTerms = [
    "instructions",
    "confidentiality",
    "security",
    "sub-processors",
    "assistance",
    "deletion-return",
    "audit",
  ] as const;
  const proc = async (name: string, extra: Partial<Parameters<typeof processors.save>[1]>) =>
    processors.save(ctx, {
      name,
      contractReference: null,
      services: null,
      personalData: null,
      dataLocation: "United Kingdom",
      internationalTransfers: null,
      art28Terms: [...allTerms],
      assetIds: [],
      contractStart: null,
      contractEnd: null,
      contractReview: null,
      ownerId: igLead,
      ...extra,
    });
  const careSys = await proc("CareCloud Systems Ltd", {
    contractReference: "NBC/ICT/2022/014",
    services: "Hosted adult and children's social care case management",
    personalData: "Service users' health, care and family details (special category)",
    contractStart: addMonths(on, -30),
    contractEnd: addMonths(on, 30),
    contractReview: addDays(on, 20),
  });
  await processors.addAssurance(ctx, careSys, {
    scheme: "iso27001",
    certificate: "IS 712345",
    expiresOn: addDays(on, 40),
  });
  await processors.addAssurance(ctx, careSys, {
    scheme: "dspt",
    certificate: "Standards Met 2025/26",
    expiresOn: addMonths(on, 8),
  });
  await processors.addAssessment(ctx, careSys, {
    occasion: "before-go-live",
    assessedOn: addMonths(on, -30),
    outcome: "satisfactory",
    notes: "Penetration test passed; UK hosting confirmed",
    nextDue: addMonths(on, -6),
  });
  const mailHouse = await proc("Printwise Mailing Services", {
    contractReference: "NBC/REV/2023/007",
    services: "Printing and posting council tax bills",
    personalData: "Names, addresses, account balances",
    art28Terms: ["instructions", "confidentiality", "security"],
    contractStart: addMonths(on, -20),
    contractEnd: addMonths(on, 4),
    contractReview: addMonths(on, 2),
  });
  await processors.addAssurance(ctx, mailHouse, {
    scheme: "cyber-essentials-plus",
    certificate: null,
    expiresOn: addDays(on, -12),
  });
  await proc("Survey Online Ltd", {
    services: "Resident consultation surveys",
    personalData: "Contact details and opinions",
    dataLocation: "Ireland and United States",
    internationalTransfers: "United States: UK International Data Transfer Addendum",
    art28Terms: [
      "instructions",
      "confidentiality",
      "security",
      "sub-processors",
      "deletion-return",
    ],
  });

  // Training: courses, people, completions.
  const dp = await training.addCourse(ctx, {
    code: "DP-ELEARN",
    title: "Data protection e-learning",
    audience: "everyone",
    jobRoles: [],
    frequencyMonths: 24,
  });
  const cyber = await training.addCourse(ctx, {
    code: "CYBER-01",
    title: "Cyber security awareness",
    audience: "all-staff",
    jobRoles: [],
    frequencyMonths: 12,
  });
  const rm = await training.addCourse(ctx, {
    code: "RM-01",
    title: "Records management",
    audience: "roles",
    jobRoles: ["Records officer", "Information asset owner"],
    frequencyMonths: 36,
  });
  const cllr = await training.addCourse(ctx, {
    code: "CLLR-IG",
    title: "Information governance for councillors",
    audience: "councillors",
    jobRoles: [],
    frequencyMonths: 48,
  });
  const areas = new Map((await services.organisation.serviceAreas()).map((a) => [a.name, a.id]));
  const staffAreas = [
    "Housing",
    "Adult Social Care",
    "Revenues and Benefits",
    "Customer Services",
    "Children's Services",
  ];
  const first = [
    "Sam",
    "Alex",
    "Jo",
    "Priti",
    "Kofi",
    "Megan",
    "Owen",
    "Lucy",
    "Hamid",
    "Grace",
    "Tariq",
    "Ellie",
  ];
  const last = ["Patel", "Jones", "Smith", "Okoro", "Walsh", "Hughes", "Begum", "Clarke"];
  let n = 0;
  for (const area of staffAreas)
    for (let i = 0; i < 8; i++) {
      n++;
      const id = await training.addPerson(ctx, {
        personNumber: `E${String(1000 + n)}`,
        name: `${first[n % first.length]} ${last[(n * 3) % last.length]}`,
        email: `${first[n % first.length].toLowerCase()}.${last[(n * 3) % last.length].toLowerCase()}${n}@${DOMAIN}`,
        kind: "staff",
        jobRole: i === 0 ? "Information asset owner" : i === 1 ? "Records officer" : "Officer",
        serviceAreaId: areas.get(area) ?? null,
      });
      // Most are current; Housing has a few overdue, so it falls below the target.
      const lapsed = (area === "Housing" && i < 2) || (area === "Customer Services" && i === 0);
      await training.recordCompletion(ctx, {
        personId: id,
        courseId: dp,
        completedOn: lapsed ? addMonths(on, -30) : addMonths(on, -(i + 1)),
      });
      await training.recordCompletion(ctx, {
        personId: id,
        courseId: cyber,
        completedOn: lapsed ? addMonths(on, -14) : addMonths(on, -(i % 11) - 1),
      });
      if (i < 2)
        await training.recordCompletion(ctx, {
          personId: id,
          courseId: rm,
          completedOn: addMonths(on, -10),
        });
    }
  for (let i = 0; i < 6; i++) {
    const id = await training.addPerson(ctx, {
      personNumber: `C${String(100 + i)}`,
      name: `Councillor ${first[(i + 5) % first.length]} ${last[(i + 2) % last.length]}`,
      email: null,
      kind: "councillor",
      jobRole: "Councillor",
      serviceAreaId: null,
    });
    if (i < 4) {
      await training.recordCompletion(ctx, {
        personId: id,
        courseId: dp,
        completedOn: addMonths(on, -5),
      });
      await training.recordCompletion(ctx, {
        personId: id,
        courseId: cllr,
        completedOn: addMonths(on, -5),
      });
    }
  }
}
