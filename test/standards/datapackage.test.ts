import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { parse } from "csv-parse/sync";
import { DATA_PACKAGE_V2 } from "../../src/modules/opendata/datapackage.ts";
import type { Version } from "../../src/modules/opendata/opendata-service.ts";
import { datasetInput, testActor } from "../../src/modules/opendata/test-factories.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";
import { publishCatalogue } from "./fixtures.ts";

/**
 * /data/{slug}/datapackage.json read as a Frictionless client reads it: the descriptor is checked against
 * the official Data Package, Tabular Data Resource and Table Schema profiles (JSON Schema draft-04, vendored
 * in ./profiles), then every table's `path` is downloaded and every row of the CSV is checked against the
 * resource's `schema` by the rules of the Table Schema spec (written here, independently of the checker), and
 * every file's `bytes` and `hash` against the file.
 */
type Field = {
  name: string;
  type: string;
  format?: string;
  constraints?: {
    required?: boolean;
    unique?: boolean;
    enum?: unknown[];
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number | string;
    maximum?: number | string;
  };
};
type DataResource = {
  name: string;
  path: string;
  profile?: string;
  type?: string;
  format: string;
  mediatype?: string;
  encoding?: string;
  bytes?: number;
  hash?: string;
  schema?: { fields: Field[]; missingValues?: string[] };
  dialect?: { delimiter?: string; lineTerminator?: string; header?: boolean };
};
type Descriptor = Record<string, unknown> & { resources: DataResource[] };

const profile = (name: string) =>
  JSON.parse(readFileSync(new URL(`./profiles/${name}.json`, import.meta.url), "utf8"));
const ajv = new Ajv04.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addFormat("textarea", true);
const validPackage = ajv.compile(profile("data-package"));
const validTabularResource = ajv.compile(profile("tabular-data-resource"));
const validTableSchema = ajv.compile(profile("table-schema"));

/** The site's address as the app sees it under inject(). */
const SITE = "http://localhost:80";
let ctx: TestContext;
const descriptors = new Map<string, { body: string; json: Descriptor; etag: string }>();

/** Passes the personal-data gate the way an officer would: a finding reviewed as not personal data. */
async function cleared(version: Version): Promise<Version> {
  assert.notEqual(version.gate, "invalid", version.report?.summary);
  if (version.gate !== "blocked") return version;
  return ctx.services.opendata.review(testActor, version.id, {
    kind: "not-personal-data",
    reason: "Fictional test data made for this test.",
  });
}

/**
 * A dataset that exercises what a descriptor gets wrong: a Transparency Code table whose columns are in
 * another order than the schema, with loosely written headers, an extra column, £ amounts, UK dates,
 * yes/no, an enum, quotes, commas, line breaks and padding in cells; JSON records read as a table; a PDF.
 */
async function publishContracts() {
  const { opendata } = ctx.services;
  const dataset = await opendata.create(
    testActor,
    datasetInput({
      slug: "contracts-2024",
      title: "Contracts over £5,000",
      // No dataset template: each resource names its own schema (none for the JSON records).
      template: null,
      publicationClass: "what-we-spend",
      themes: ["Procurement"],
      keywords: ["contracts"],
    }),
  );
  const contracts = await opendata.addResource(testActor, dataset.id, {
    name: "Contracts register",
    format: "CSV",
    schemaName: "contracts-over-5000",
  });
  const csv = [
    "SupplierName,Reference,title,Notes,Description,Start Date,EndDate,ReviewDate,Department,SupplierRegistrationNumber,Value,IrrecoverableVAT,ProcurementType,SME,VCSE",
    'Acme Highways Ltd,C-001,Road resurfacing,"Line one\nline two","Resurfacing, A-roads ""phase 1""",01/04/2024,31-03-2025,,Highways,01234567,"£125,000.50",0,Tender,yes,no',
    "Dale Office Supplies Ltd,C-002,Stationery,,Office supplies,2024-05-02,,,Corporate Services,,£6000,,Quote,N,Y",
    "Brightside Care Homes Ltd,C-003,  Care beds  ,Café ✓,Residential care beds,3 June 2024,30/06/2026,01/01/2025,Adult Social Care,09876543,1234567,12.5,,true,false",
  ].join("\r\n");
  const table = await opendata.addVersion(testActor, contracts.id, {
    fileName: "contracts.csv",
    data: Buffer.from(`${csv}\r\n`),
  });
  await cleared(table);

  const wards = await opendata.addResource(testActor, dataset.id, {
    name: "Contracts by ward",
    format: "JSON",
    schemaName: null,
  });
  const records = [
    { ward: "North", contracts: 12, value: 1250000.75, since: "01/04/2024" },
    { ward: "South, East", contracts: 3, value: 250.5, since: "2024-04-02" },
    { ward: "West", contracts: 0, value: 0, since: "" },
  ];
  await cleared(
    await opendata.addVersion(testActor, wards.id, {
      fileName: "wards.json",
      data: Buffer.from(JSON.stringify({ records })),
    }),
  );

  const policy = await opendata.addResource(testActor, dataset.id, {
    name: "Contract procedure rules",
    description: "The rules every contract above follows.",
    format: "PDF",
  });
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
  await cleared(
    await opendata.addVersion(testActor, policy.id, { fileName: "procedure-rules.pdf", data: pdf }),
  );
  await opendata.publish(testActor, dataset.id);
  return { dataset, pdf };
}

before(async () => {
  ctx = await createTestContext();
  await publishCatalogue(ctx);
  await publishContracts();
  for (const slug of ["spend-2024-q1", "council-meetings", "contracts-2024"]) {
    const res = await ctx.app.inject({ url: `/data/${slug}/datapackage.json` });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    descriptors.set(slug, { body: res.body, json: res.json(), etag: String(res.headers.etag) });
  }
});
after(() => ctx.close());

/** A path in the descriptor, fetched from the app as a client would fetch it from the site. */
async function fetchPath(path: string) {
  const url = new URL(path);
  assert.equal(url.origin, new URL(SITE).origin, `${path} is not on this site`);
  return ctx.app.inject({ url: url.pathname + url.search });
}

/** A cell's logical value by the Table Schema v1 rules for the field's type and default format. */
function cast(field: Field, text: string): unknown {
  switch (field.type) {
    case "string":
      return text;
    case "integer":
      return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
    case "number":
      return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(NaN|INF|-INF)$/.test(text)
        ? Number(text.replace("INF", "Infinity"))
        : undefined;
    case "year":
      return /^\d{4}$/.test(text) ? Number(text) : undefined;
    case "boolean":
      return ["true", "True", "TRUE", "1"].includes(text)
        ? true
        : ["false", "False", "FALSE", "0"].includes(text)
          ? false
          : undefined;
    case "date": {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return undefined;
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.toISOString().slice(0, 10) === text ? text : undefined;
    }
    default:
      assert.fail(
        `${field.name}: the descriptor uses a type this client does not read: ${field.type}`,
      );
  }
}

/** Every problem in a table's rows, as "row N, field: what is wrong". */
function problemsIn(rows: string[][], fields: Field[], missing: string[]): string[] {
  // This client reads default formats only: a field asking for more would be read wrongly, so it fails.
  for (const f of fields) {
    const options = Object.keys(f).filter(
      (k) => !["name", "title", "description", "type", "constraints"].includes(k),
    );
    assert.deepEqual(
      options.filter((k) => k !== "format" || f.format !== "default"),
      [],
      f.name,
    );
  }
  const problems: string[] = [];
  const seen = fields.map(() => new Set<string>());
  for (const [i, row] of rows.entries()) {
    const line = i + 2;
    if (row.length !== fields.length) {
      problems.push(`row ${line}: ${row.length} cells for ${fields.length} fields`);
      continue;
    }
    for (const [j, field] of fields.entries()) {
      const text = row[j];
      const c = field.constraints ?? {};
      if (missing.includes(text)) {
        if (c.required) problems.push(`row ${line}, ${field.name}: required but empty`);
        continue;
      }
      const value = cast(field, text);
      if (value === undefined) {
        problems.push(`row ${line}, ${field.name}: "${text}" is not a ${field.type}`);
        continue;
      }
      if (c.unique) {
        if (seen[j].has(String(value))) problems.push(`row ${line}, ${field.name}: repeated`);
        seen[j].add(String(value));
      }
      if (c.enum && !c.enum.includes(value))
        problems.push(`row ${line}, ${field.name}: "${text}" is not in the enum`);
      if (c.pattern && !new RegExp(`^(?:${c.pattern})$`, "u").test(text))
        problems.push(`row ${line}, ${field.name}: "${text}" does not match ${c.pattern}`);
      if (c.minLength !== undefined && [...text].length < c.minLength)
        problems.push(`row ${line}, ${field.name}: shorter than ${c.minLength}`);
      if (c.maxLength !== undefined && [...text].length > c.maxLength)
        problems.push(`row ${line}, ${field.name}: longer than ${c.maxLength}`);
      const typed = value as number | string;
      if (c.minimum !== undefined && typed < (cast(field, String(c.minimum)) as number | string))
        problems.push(`row ${line}, ${field.name}: below ${c.minimum}`);
      if (c.maximum !== undefined && typed > (cast(field, String(c.maximum)) as number | string))
        problems.push(`row ${line}, ${field.name}: above ${c.maximum}`);
    }
  }
  return problems;
}

const all = () => [...descriptors.values()].map((d) => d.json);
const tables = () => all().flatMap((d) => d.resources.filter((r) => r.schema));

describe("Data Package descriptor", () => {
  it("is valid against the official Data Package, Tabular Data Resource and Table Schema profiles", () => {
    for (const d of all()) {
      assert.ok(validPackage(d), `${d.name}: ${ajv.errorsText(validPackage.errors)}`);
      for (const r of d.resources.filter((x) => x.profile === "tabular-data-resource")) {
        assert.ok(
          validTabularResource(r),
          `${d.name}/${r.name}: ${ajv.errorsText(validTabularResource.errors)}`,
        );
        assert.ok(
          validTableSchema(r.schema),
          `${d.name}/${r.name}: ${ajv.errorsText(validTableSchema.errors)}`,
        );
      }
    }
    assert.equal(tables().length, 3, "the spend table, the contracts table and the JSON records");
  });

  it("names the package and its resources as the spec requires, uniquely, and says it is also v2", () => {
    for (const d of all()) {
      assert.match(String(d.name), /^[a-z0-9._-]+$/);
      assert.equal(d.$schema, DATA_PACKAGE_V2);
      assert.equal(d.profile, "data-package");
      const names = d.resources.map((r) => r.name);
      assert.equal(new Set(names).size, names.length);
      for (const n of names) assert.match(n, /^[a-z0-9._-]+$/);
      for (const r of d.resources.filter((x) => x.schema)) {
        assert.equal(r.type, "table", "v2 marks a table with type");
        assert.equal(r.profile, "tabular-data-resource", "v1 marks a table with profile");
      }
    }
  });

  it("carries the dataset's metadata: homepage, licence (OGL v3.0), publisher, contact, keywords, version", () => {
    const spend = descriptors.get("spend-2024-q1")?.json as Descriptor;
    assert.equal(spend.name, "spend-2024-q1");
    assert.equal(spend.title, "Spending over £500");
    assert.match(String(spend.description), /Every payment over £500/);
    assert.equal(spend.homepage, "http://localhost:80/data/spend-2024-q1");
    assert.deepEqual(spend.licenses, [
      {
        name: "OGL-UK-3.0",
        path: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        title: "Open Government Licence v3.0",
      },
    ]);
    assert.deepEqual(spend.keywords, ["spend", "payments", 'Café "quotes"', "Spending"]);
    assert.equal(spend.version, "1.0.0");
    assert.ok(!Number.isNaN(Date.parse(String(spend.created))));
    const [publisher, contact] = spend.contributors as Record<string, unknown>[];
    assert.equal(publisher.title, "Northmoor District Council – Finance & Revenues");
    assert.equal(publisher.role, "publisher");
    assert.deepEqual(publisher.roles, ["publisher"]);
    assert.equal(contact.email, "finance@northmoor.example.gov.uk");
    assert.equal(contact.role, "maintainer");
  });

  it("describes each table as its CSV download, and files and links as they are served", () => {
    const contracts = descriptors.get("contracts-2024")?.json as Descriptor;
    const [table, json, pdf] = contracts.resources;
    assert.equal(table.name, "contracts-register");
    assert.match(
      table.path,
      /^http:\/\/localhost:80\/data\/contracts-2024\/resources\/[-0-9a-f]+\/data\.csv$/,
    );
    assert.equal(table.format, "csv");
    assert.equal(table.mediatype, "text/csv");
    assert.equal(table.encoding, "utf-8");
    // The download is written from Parquet on first request: its size and hash are not claimed.
    assert.equal(table.bytes, undefined);
    assert.equal(table.hash, undefined);
    const field = (name: string) => table.schema?.fields.find((f) => f.name === name);
    assert.deepEqual(field("Value"), {
      name: "Value",
      type: "number",
      constraints: { required: true },
    });
    assert.deepEqual(field("StartDate"), {
      name: "StartDate",
      type: "date",
      constraints: { required: true },
    });
    assert.equal(field("SME")?.type, "boolean");
    assert.deepEqual(field("ProcurementType")?.constraints, { enum: ["Quote", "Tender"] });
    assert.deepEqual(field("Reference")?.constraints, { required: true, unique: true });
    assert.deepEqual(field("Notes"), { name: "Notes", type: "string" });
    assert.equal(json.name, "contracts-by-ward");
    assert.match(json.path, /\/data\.csv$/);
    assert.deepEqual(
      json.schema?.fields.map((f) => [f.name, f.type]),
      [
        ["ward", "string"],
        ["contracts", "integer"],
        ["value", "number"],
        ["since", "date"],
      ],
    );
    assert.equal(pdf.name, "contract-procedure-rules");
    assert.equal(pdf.format, "pdf");
    assert.equal(pdf.mediatype, "application/pdf");
    assert.equal(pdf.schema, undefined);
    const link = descriptors.get("council-meetings")?.json.resources[0] as DataResource;
    assert.equal(link.format, "html");
    assert.equal(
      link.path,
      "https://democracy.northmoor.example.gov.uk/ieListMeetings.aspx?CId=1&x=%7Ba%7Cb%7D%5E%60",
    );
  });

  it("describes the files exactly: each CSV's header is the schema's fields and every row obeys the schema", async () => {
    for (const r of tables()) {
      const res = await fetchPath(r.path);
      assert.equal(res.statusCode, 200, `${r.path}: ${res.body}`);
      assert.match(String(res.headers["content-type"]), /^text\/csv/);
      const raw = res.rawPayload;
      assert.notEqual(raw[0], 0xef, "no byte-order mark");
      assert.equal(raw.toString("utf8"), new TextDecoder("utf-8", { fatal: true }).decode(raw));
      const text = raw.toString("utf8");
      if (r.dialect?.lineTerminator === "\n") assert.ok(!text.includes("\r\n"), "lines end in \\n");
      const [header, ...rows] = parse(text, {
        delimiter: r.dialect?.delimiter ?? ",",
        relax_column_count: true,
      }) as string[][];
      const fields = r.schema?.fields ?? [];
      assert.deepEqual(
        header,
        fields.map((f) => f.name),
        `${r.name}: header`,
      );
      assert.ok(rows.length > 0, `${r.name} has rows`);
      assert.deepEqual(problemsIn(rows, fields, r.schema?.missingValues ?? [""]), [], r.name);
    }
  });

  it("gives the values a Table Schema reader gets back from the contracts CSV", async () => {
    const contracts = descriptors.get("contracts-2024")?.json as Descriptor;
    const [table] = contracts.resources;
    const res = await fetchPath(table.path);
    const records = parse(res.body, { columns: true }) as Record<string, string>[];
    assert.equal(records.length, 3);
    assert.deepEqual(
      { ...records[0] },
      {
        Reference: "C-001",
        Title: "Road resurfacing",
        Description: 'Resurfacing, A-roads "phase 1"',
        StartDate: "2024-04-01",
        EndDate: "2025-03-31",
        ReviewDate: "",
        Department: "Highways",
        SupplierName: "Acme Highways Ltd",
        SupplierRegistrationNumber: "01234567",
        Value: "125000.5",
        IrrecoverableVAT: "0.0",
        ProcurementType: "Tender",
        SME: "true",
        VCSE: "false",
        Notes: "Line one\nline two",
      },
    );
    assert.deepEqual(Object.keys(records[0]).slice(0, 4), [
      "SupplierName",
      "Reference",
      "Title",
      "Notes",
    ]);
    assert.equal(records[2].Title, "Care beds");
    assert.equal(records[2].StartDate, "2024-06-03");
  });

  it("gives each file served as uploaded its exact size and SHA-256", async () => {
    const files = all().flatMap((d) => d.resources.filter((r) => r.bytes !== undefined));
    assert.ok(files.length >= 1);
    for (const r of files) {
      const res = await fetchPath(r.path);
      assert.equal(res.statusCode, 200, r.path);
      assert.equal(res.rawPayload.length, r.bytes, `${r.name}: bytes`);
      assert.equal(
        `sha256:${createHash("sha256").update(res.rawPayload).digest("hex")}`,
        r.hash,
        `${r.name}: hash`,
      );
    }
  });
});

describe("GET /data/{slug}/datapackage.json", () => {
  it("has a strong ETag and answers 304 to If-None-Match, for anyone, from anywhere", async () => {
    const spend = descriptors.get("spend-2024-q1");
    assert.match(String(spend?.etag), /^"[\w-]+"$/);
    const again = await ctx.app.inject({
      url: "/data/spend-2024-q1/datapackage.json",
      headers: { "if-none-match": String(spend?.etag) },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, "");
    assert.equal(again.headers["access-control-allow-origin"], "*");
  });

  it("is a 404 problem for a dataset that does not exist, is not published yet or was withdrawn", async () => {
    const { opendata } = ctx.services;
    const draft = await opendata.create(
      testActor,
      datasetInput({ slug: "not-yet", template: null }),
    );
    const withdrawn = await opendata.create(
      testActor,
      datasetInput({ slug: "gone", template: null }),
    );
    await opendata.addResource(testActor, withdrawn.id, {
      name: "Old page",
      format: "LINK",
      linkUrl: "https://example.org/old",
    });
    await opendata.publish(testActor, withdrawn.id);
    assert.equal((await ctx.app.inject({ url: "/data/gone/datapackage.json" })).statusCode, 200);
    await opendata.setStatus(testActor, withdrawn.id, "withdrawn");
    for (const slug of ["no-such-dataset", draft.slug, "gone"]) {
      const res = await ctx.app.inject({ url: `/data/${slug}/datapackage.json` });
      assert.equal(res.statusCode, 404, slug);
      assert.match(String(res.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(res.json().status, 404);
    }
  });
});
