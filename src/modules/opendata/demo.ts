import type { AuditContext } from "../../platform/audit/audit-service.ts";
import type { Services } from "../../platform/services.ts";
import type { DatasetInput } from "./opendata-service.ts";

/**
 * Demo open data for the fictional council: a year of spending over £500 (four quarters, one of them
 * re-published with a correction), procurement card transactions, contracts, land and the organisation chart,
 * all through the same gate as real files; and one spend file the gate blocks (a foster carer's name and a
 * personal email), left waiting for a decision so a newcomer sees the whole flow. Every supplier is invented.
 */
const SUPPLIERS = [
  ["Pennine Highways Ltd", "Highways and Transport", "Road resurfacing"],
  ["Moorland Construction plc", "Planning and Regeneration", "Town centre works"],
  ["Northmoor Leisure Trust", "Public Health", "Leisure management fee"],
  ["Dale Residential Care Ltd", "Adult Social Care", "Residential care placements"],
  ["Brightpath Fostering Services Ltd", "Children's Services", "Independent fostering agency"],
  ["Civic IT Solutions Ltd", "ICT and Digital", "Software licences"],
  ["Riverside Housing Association", "Housing", "Temporary accommodation"],
  ["Calder Waste Services Limited", "Highways and Transport", "Waste collection contract"],
  ["Northern Energy Supply Ltd", "Corporate Services", "Electricity"],
  ["Kirkby Office Supplies Ltd", "Corporate Services", "Stationery"],
  ["Moor Valley Community Transport CIC", "Adult Social Care", "Community transport"],
  ["West Riding Legal LLP", "Legal and Democratic Services", "External legal advice"],
  ["Apex Security Services Ltd", "Corporate Services", "Building security"],
  ["Greenway Grounds Maintenance Ltd", "Planning and Regeneration", "Grounds maintenance"],
  ["Learning Partners Education Ltd", "Education and Special Educational Needs", "SEN transport"],
] as const;

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const pounds = (n: number) =>
  `£${n.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const ukDate = (d: Date) =>
  `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
const q = (v: string) => (/[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function spendQuarter(
  year: number,
  quarter: number,
  rows: number,
  seed: number,
  extra: string[][] = [],
): string {
  const random = rng(seed);
  const header =
    "OrganisationURI,OrganisationLabel,PaymentDate,TransactionNumber,BeneficiaryName,OrganisationalUnit,ServiceCategoryLabel,Purpose,Amount,IrrecoverableVATAmount,TransactionMethod";
  const lines = [header];
  const start = Date.UTC(year, 3 + (quarter - 1) * 3, 1);
  const body = [
    ...Array.from({ length: rows }, (_, i) => {
      const [supplier, unit, purpose] = SUPPLIERS[Math.floor(random() * SUPPLIERS.length)];
      const day = new Date(start + Math.floor(random() * 89) * 86400_000);
      const amount = Math.round((500 + random() ** 2 * 85000) * 100) / 100;
      return [
        "http://opendatacommunities.org/id/district-council/northmoor",
        "Northmoor District Council",
        ukDate(day),
        `NDC${year}${quarter}${String(i + 1).padStart(5, "0")}`,
        supplier,
        unit,
        unit,
        purpose,
        pounds(amount),
        random() < 0.1 ? pounds(Math.round(amount * 0.2)) : "0.00",
        random() < 0.9 ? "BACS" : "Cheque",
      ];
    }),
    ...extra,
  ];
  for (const r of body) lines.push(r.map(q).join(","));
  return `${lines.join("\n")}\n`;
}

export async function loadOpenDataDemo(services: Services, ctx: AuditContext): Promise<void> {
  const { opendata } = services;
  if (await opendata.get("spending-over-500")) return;
  const areas = new Map((await services.organisation.serviceAreas()).map((a) => [a.name, a.id]));
  const base = (over: Partial<DatasetInput> & { title: string }): DatasetInput => ({
    description: "",
    serviceAreaId: areas.get("Corporate Services") ?? null,
    contactName: "Transparency team",
    contactEmail: "transparency@northmoor.example.gov.uk",
    themes: [],
    keywords: [],
    licence: "OGL-UK-3.0",
    frequency: "quarterly",
    temporalStart: null,
    temporalEnd: null,
    spatial: "Northmoor District",
    sourceAssetId: null,
    publicationClass: "what-we-spend",
    template: null,
    ...over,
  });
  const file = async (
    datasetId: string,
    name: string,
    fileName: string,
    text: string,
    extra: { schemaName?: string; period?: string; format?: string } = {},
  ) => {
    const r = await opendata.addResource(ctx, datasetId, {
      name,
      format: extra.format ?? "CSV",
      schemaName: extra.schemaName ?? null,
      period: extra.period ?? null,
    });
    await opendata.addVersion(ctx, r.id, { fileName, data: Buffer.from(text) }, { inline: true });
    return r;
  };

  const spend = await opendata.create(
    ctx,
    base({
      slug: "spending-over-500",
      title: "Spending over £500",
      description:
        "Every payment of more than £500 the council made to suppliers, with the date, the service, the supplier, the purpose and the amount. Published each quarter under the Local Government Transparency Code 2015. Payments to individuals are shown as “Redacted personal data”.",
      themes: ["Spending"],
      keywords: ["spend", "payments", "suppliers", "transparency code"],
      template: "spend-over-500",
      temporalStart: "2024-04-01",
      temporalEnd: "2025-03-31",
      serviceAreaId: areas.get("Revenues and Benefits") ?? null,
    }),
  );
  let firstQuarter = "";
  for (const quarter of [1, 2, 3, 4]) {
    const extra =
      quarter === 2
        ? [
            [
              "http://opendatacommunities.org/id/district-council/northmoor",
              "Northmoor District Council",
              "14/08/2024",
              "NDC2024200999",
              "Redacted personal data",
              "Children's Services",
              "Children's Services",
              "Foster care allowance",
              "£612.00",
              "0.00",
              "BACS",
            ],
          ]
        : [];
    const r = await file(
      spend.id,
      `Spending over £500, quarter ${quarter} 2024 to 2025`,
      `spend-2024-25-q${quarter}.csv`,
      spendQuarter(2024, quarter, 250, 100 + quarter, extra),
      {
        schemaName: "spend-over-500",
        period: `2024-25-Q${quarter}`,
      },
    );
    if (quarter === 1) firstQuarter = r.id;
  }
  await opendata.publish(ctx, spend.id);
  await opendata.addVersion(
    ctx,
    firstQuarter,
    {
      fileName: "spend-2024-25-q1.csv",
      data: Buffer.from(spendQuarter(2024, 1, 252, 101)),
      changeNote: "Two payments made on 28 June were missing and have been added.",
    },
    { inline: true },
  );
  await opendata.publish(ctx, spend.id);

  const card = await opendata.create(
    ctx,
    base({
      slug: "procurement-card-transactions",
      title: "Government Procurement Card transactions",
      description:
        "Every transaction on the council's purchasing cards, whatever its value, with the merchant category. Published quarterly under the Transparency Code.",
      themes: ["Spending"],
      keywords: ["procurement card", "purchasing card"],
      template: "procurement-card",
    }),
  );
  const cardRows = spendQuarter(2024, 1, 60, 7)
    .trim()
    .split("\n")
    .map((line, i) =>
      i === 0
        ? `${line},MerchantCategory`
        : `${line.replace(/,"£[\d,]+\.\d\d",/, `,"£${(20 + ((i * 37) % 480)).toFixed(2)}",`)},${["Stationery", "Travel", "Catering", "Training", "Software"][i % 5]}`,
    )
    .join("\n");
  await file(
    card.id,
    "Card transactions, April to June 2024",
    "gpc-2024-25-q1.csv",
    `${cardRows}\n`,
    { schemaName: "procurement-card", period: "2024-25-Q1" },
  );
  await opendata.publish(ctx, card.id);

  const contracts = await opendata.create(
    ctx,
    base({
      slug: "contracts-over-5000",
      title: "Contracts over £5,000",
      description:
        "Contracts, framework agreements and purchase orders worth more than £5,000, with the supplier, value and whether it is a small business or voluntary organisation.",
      themes: ["Procurement"],
      keywords: ["contracts", "procurement", "suppliers"],
      template: "contracts-over-5000",
    }),
  );
  const contractRows = [
    "Reference,Title,Description,StartDate,EndDate,ReviewDate,Department,SupplierName,SupplierRegistrationNumber,Value,IrrecoverableVAT,ProcurementType,SME,VCSE",
    ...SUPPLIERS.slice(0, 12).map(([supplier, unit, purpose], i) =>
      [
        `NDC-C-${2024}${String(i + 1).padStart(3, "0")}`,
        purpose,
        `${purpose} for ${unit}`,
        `01/0${(i % 9) + 1}/2024`,
        `31/03/202${6 + (i % 3)}`,
        `01/10/2025`,
        unit,
        supplier,
        String(10000000 + i * 7919),
        pounds(5000 + i * 23500),
        "0.00",
        i % 3 ? "Tender" : "Quote",
        i % 2 ? "Yes" : "No",
        supplier.includes("CIC") || supplier.includes("Trust") ? "Yes" : "No",
      ]
        .map(q)
        .join(","),
    ),
  ];
  await file(
    contracts.id,
    "Contract register, June 2024",
    "contracts-2024-25-q1.csv",
    `${contractRows.join("\n")}\n`,
    { schemaName: "contracts-over-5000", period: "2024-25-Q1" },
  );
  await opendata.publish(ctx, contracts.id);

  const land = await opendata.create(
    ctx,
    base({
      slug: "land-and-buildings",
      title: "Local authority land",
      description:
        "Land and buildings the council owns or leases, with their UPRN, address, grid reference and tenure.",
      themes: ["Land and property"],
      keywords: ["land", "property", "assets"],
      template: "land-assets",
      frequency: "annual",
      publicationClass: "lists-and-registers",
      serviceAreaId: areas.get("Planning and Regeneration") ?? null,
    }),
  );
  const places = [
    "Town Hall",
    "Civic Centre",
    "Northmoor Library",
    "Dale Road Depot",
    "Market Hall",
    "Moorside Park",
    "Kirkby Leisure Centre",
    "Riverside Car Park",
    "Old Mill Business Units",
    "Castle Street Offices",
  ];
  const landRows = [
    "UPRN,AssetID,PropertyName,Address,Postcode,Easting,Northing,Tenure",
    ...places.map((p, i) =>
      [
        String(100012345000 + i * 17),
        `NDC-L-${String(i + 1).padStart(4, "0")}`,
        p,
        `${i + 1} ${["High Street", "Dale Road", "Market Place", "Castle Street"][i % 4]}, Northmoor`,
        `NM${(i % 5) + 1} ${(i % 9) + 1}${"ABCDEFGHJK"[i]}${"LNPQRSTUWX"[i]}`,
        String(412000 + i * 350),
        String(433000 + i * 275),
        i % 4 ? "Freehold" : "Leasehold",
      ]
        .map(q)
        .join(","),
    ),
  ];
  await file(land.id, "Land and buildings, 2024", "land-2024-25.csv", `${landRows.join("\n")}\n`, {
    schemaName: "land-assets",
    period: "2024-25",
  });
  await opendata.publish(ctx, land.id);

  const chart = await opendata.create(
    ctx,
    base({
      slug: "organisation-chart",
      title: "Organisation chart",
      description:
        "The council's top three tiers of management: job titles, departments, grades and salary bands.",
      themes: ["Organisation"],
      keywords: ["organisation", "senior staff"],
      template: "organisation-chart",
      frequency: "annual",
      publicationClass: "who-we-are",
    }),
  );
  const posts = [
    [
      "CEX",
      "Chief Executive",
      "Chief Officer",
      "Chief Executive's Office",
      "",
      "£150,000 - £154,999",
    ],
    [
      "DCS",
      "Corporate Director for Corporate Services",
      "Director",
      "Corporate Services",
      "CEX",
      "£110,000 - £114,999",
    ],
    ["DP", "Corporate Director for People", "Director", "People", "CEX", "£110,000 - £114,999"],
    ["DPL", "Corporate Director for Place", "Director", "Place", "CEX", "£110,000 - £114,999"],
    [
      "HCS",
      "Head of Customer Services",
      "Head of Service",
      "Corporate Services",
      "DCS",
      "£75,000 - £79,999",
    ],
    [
      "HLD",
      "Head of Legal and Democratic Services",
      "Head of Service",
      "Corporate Services",
      "DCS",
      "£80,000 - £84,999",
    ],
    ["HCH", "Head of Children's Services", "Head of Service", "People", "DP", "£85,000 - £89,999"],
    ["HAS", "Head of Adult Social Care", "Head of Service", "People", "DP", "£85,000 - £89,999"],
    ["HHO", "Head of Housing", "Head of Service", "Place", "DPL", "£75,000 - £79,999"],
  ];
  const chartRows = [
    "PostUniqueReference,JobTitle,Grade,Department,ReportsToSeniorPost,ContactEmail,SalaryBand",
    ...posts.map(([ref, title, grade, dept, reports, band]) =>
      [ref, title, grade, dept, reports, "enquiries@northmoor.example.gov.uk", band]
        .map(q)
        .join(","),
    ),
  ];
  await file(
    chart.id,
    "Organisation chart, 2024",
    "organisation-chart-2024.csv",
    `${chartRows.join("\n")}\n`,
    { schemaName: "organisation-chart", period: "2024-25" },
  );
  await opendata.publish(ctx, chart.id);

  const draft = await opendata.create(
    ctx,
    base({
      slug: "spending-over-500-2025-q1",
      title: "Spending over £500, April to June 2025",
      description:
        "The first quarter of 2025 to 2026, waiting for its personal-data review: the screen found a foster carer's name and a personal email address.",
      themes: ["Spending"],
      keywords: ["spend", "payments"],
      template: "spend-over-500",
      serviceAreaId: areas.get("Revenues and Benefits") ?? null,
    }),
  );
  await file(
    draft.id,
    "Spending over £500, quarter 1 2025 to 2026",
    "spend-2025-26-q1.csv",
    spendQuarter(2025, 1, 120, 301, [
      [
        "http://opendatacommunities.org/id/district-council/northmoor",
        "Northmoor District Council",
        "12/05/2025",
        "NDC2025100998",
        "Mrs Susan Hartley",
        "Children's Services",
        "Children's Services",
        "Foster care allowance",
        "£655.00",
        "0.00",
        "BACS",
      ],
      [
        "http://opendatacommunities.org/id/district-council/northmoor",
        "Northmoor District Council",
        "19/05/2025",
        "NDC2025100999",
        "Kirkby Office Supplies Ltd",
        "Corporate Services",
        "Corporate Services",
        "Refund query: contact d.hartley@gmail.com",
        "£740.00",
        "0.00",
        "BACS",
      ],
    ]),
    { schemaName: "spend-over-500", period: "2025-26-Q1" },
  );
}
