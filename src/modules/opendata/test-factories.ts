import { after } from "node:test";
import type { AuditContext } from "../../platform/audit/audit-service.ts";
import type { Services } from "../../platform/services.ts";
import { type Conn, openDuck } from "./duck.ts";
import type { DatasetInput } from "./opendata-service.ts";

/** Factories for tests and benchmarks: a dataset input and realistic spend rows. */
export const testActor: AuditContext = { actorId: null, actorLabel: "test" };

export function datasetInput(overrides: Partial<DatasetInput> = {}): DatasetInput {
  return {
    title: "Spending over £500",
    description: "Every payment over £500 made by the council.",
    serviceAreaId: null,
    contactName: "Finance team",
    contactEmail: "finance@northmoor.example.gov.uk",
    themes: ["Spending"],
    keywords: ["spend", "payments"],
    licence: "OGL-UK-3.0",
    frequency: "quarterly",
    temporalStart: null,
    temporalEnd: null,
    spatial: "Northmoor",
    sourceAssetId: null,
    publicationClass: "what-we-spend",
    template: "spend-over-500",
    ...overrides,
  };
}

export const SPEND_HEADER =
  "OrganisationURI,OrganisationLabel,PaymentDate,TransactionNumber,BeneficiaryName,OrganisationalUnit,ServiceCategoryLabel,Purpose,Amount,IrrecoverableVATAmount,TransactionMethod";

const SUPPLIERS = [
  "Acme Highways Ltd",
  "Northmoor Leisure Trust",
  "Pennine Waste Services Limited",
  "Brightside Care Homes Ltd",
  "Moorland Construction plc",
  "Civic IT Solutions Ltd",
  "Dale Office Supplies Ltd",
  "Riverside Housing Association",
];
const UNITS = [
  "Highways and Transport",
  "Housing",
  "Adult Social Care",
  "ICT and Digital",
  "Corporate Services",
];
const PURPOSES = [
  "Road maintenance",
  "Temporary accommodation",
  "Residential care",
  "Software licences",
  "Stationery",
];

/** Deterministic spend rows (a linear congruential generator, so reruns are identical). */
export function spendRows(count: number, seed = 1, startDay = 0): string[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(2024, 3, 1 + ((startDay + i) % 90)));
    const date = `${String(day.getUTCDate()).padStart(2, "0")}/${String(day.getUTCMonth() + 1).padStart(2, "0")}/${day.getUTCFullYear()}`;
    const amount = (500 + rand() * 50000).toFixed(2);
    const k = Math.floor(rand() * SUPPLIERS.length);
    const u = Math.floor(rand() * UNITS.length);
    rows.push(
      `http://opendatacommunities.org/id/district-council/northmoor,Northmoor District Council,${date},T${String(seed * 10_000_000 + i).padStart(9, "0")},${SUPPLIERS[k]},${UNITS[u]},${UNITS[u]},${PURPOSES[u]},"£${Number(amount).toLocaleString("en-GB", { minimumFractionDigits: 2 })}",0.00,BACS`,
    );
  }
  return rows;
}

export function spendCsv(count: number, extra: string[] = []): string {
  return `${[SPEND_HEADER, ...spendRows(count), ...extra].join("\n")}\n`;
}

/** A dataset with one CSV resource and its first version uploaded (checked inline). */
export async function datasetWithFile(
  services: Services,
  csv: string,
  overrides: Partial<DatasetInput> = {},
) {
  const dataset = await services.opendata.create(testActor, datasetInput(overrides));
  const resource = await services.opendata.addResource(testActor, dataset.id, {
    name: "April to June 2024",
    format: "CSV",
    schemaName: overrides.template === undefined ? "spend-over-500" : overrides.template,
    period: "2024-25-Q1",
  });
  const version = await services.opendata.addVersion(testActor, resource.id, {
    fileName: "spend.csv",
    data: Buffer.from(csv),
  });
  return { dataset, resource, version };
}

/** One small DuckDB for a test file, opened when first asked for and closed after the file's tests. */
export function testDuck(): () => Promise<{ conn: Conn }> {
  let opened: Promise<{ conn: Conn; close: () => void }> | undefined;
  after(async () => (await opened)?.close());
  return () => {
    opened ??= openDuck({ threads: 1, memoryLimit: "256MB" }).then(async (instance) => {
      const conn = await instance.connect();
      return {
        conn,
        close: () => {
          conn.closeSync();
          instance.closeSync();
        },
      };
    });
    return opened;
  };
}
