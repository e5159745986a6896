import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import jsonld from "jsonld";
import { DataFactory, Parser, Store, Writer } from "n3";
import { RdfXmlParser } from "rdfxml-streaming-parser";
import { toRdfXml } from "../../src/modules/opendata/rdf-xml.ts";
import { datasetInput, testActor } from "../../src/modules/opendata/test-factories.ts";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";
import { publishCatalogue } from "./fixtures.ts";

/**
 * The DCAT-AP catalogue read by real RDF parsers: n3 for Turtle, jsonld.js for JSON-LD (expansion and
 * toRDF in safe mode, offline: the context is inline), rdfxml-streaming-parser for RDF/XML. All three must
 * give the same graph, and each dataset must carry what ckanext-dcat's euro_dcat_ap profiles read
 * (data.gov.uk harvests with it).
 */
const { namedNode } = DataFactory;
/** An RDF/JS quad, whichever parser made it. */
type Quad = Parameters<Writer["quadsToString"]>[0][number];
const NS = {
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  skos: "http://www.w3.org/2004/02/skos/core#",
};
const iri = (curie: string) => {
  const [p, local] = curie.split(":");
  return namedNode(NS[p as keyof typeof NS] + local);
};

const noRemote = async (url: string) => {
  throw new Error(`the catalogue must not need a remote document: ${url}`);
};

let ctx: TestContext;
let turtle: string;
let doc: Record<string, unknown>;
let store: Store;
let rdfXml: string;

/**
 * Text that trips serialisers, as council staff type or paste it: markup characters, both quotes, an XML
 * CDATA end, CRLF and LF line breaks, a tab, non-ASCII (and a character outside the Basic Multilingual
 * Plane), a bell (a control character XML 1.0 cannot carry) and a vertical tab (a word processor's line break).
 */
const AWKWARD_DESCRIPTION =
  'Rents <b>before</b> & after "service charges" ]]> it\'s\r\nsecond line\n\tindented — £, ñ, 🏠\u0007 end\u000Bnext';
/** What every serialisation carries: the bell gone, the vertical tab a line break, the rest exactly as typed. */
const AWKWARD_KEPT =
  'Rents <b>before</b> & after "service charges" ]]> it\'s\r\nsecond line\n\tindented — £, ñ, 🏠 end\nnext';

before(async () => {
  ctx = await createTestContext();
  await publishCatalogue(ctx);
  const awkward = await ctx.services.opendata.create(
    testActor,
    datasetInput({
      slug: "rents-awkward",
      title: 'Rents & <service> "charges" ✓\u0007',
      description: AWKWARD_DESCRIPTION,
      themes: ["Housing"],
      keywords: ["rents & charges", "<tag>", "a\u0008b"],
      template: null,
      publicationClass: "what-we-spend",
      contactName: "O'Brien & Sons <housing>",
      contactEmail: "housing@northmoor.example.gov.uk",
    }),
  );
  await ctx.services.opendata.addResource(testActor, awkward.id, {
    name: 'Rent <policy> & "notes"',
    format: "LINK",
    linkUrl: "https://northmoor.example.gov.uk/rents?a=1&b=<2>",
  });
  await ctx.services.opendata.publish(testActor, awkward.id);
  await ctx.services.opendata.create(
    testActor,
    datasetInput({ slug: "draft-rents", template: null }),
  );
  const ttl = await ctx.app.inject({ url: "/catalog.ttl" });
  assert.equal(ttl.statusCode, 200);
  assert.match(String(ttl.headers["content-type"]), /^text\/turtle/);
  turtle = ttl.body;
  const json = await ctx.app.inject({ url: "/catalog.jsonld" });
  assert.equal(json.statusCode, 200);
  assert.match(String(json.headers["content-type"]), /^application\/ld\+json/);
  doc = json.json();
  store = new Store(new Parser({ format: "text/turtle" }).parse(turtle));
  const xml = await ctx.app.inject({ url: "/catalog.rdf" });
  assert.equal(xml.statusCode, 200);
  assert.equal(xml.headers["content-type"], "application/rdf+xml; charset=utf-8");
  rdfXml = xml.body;
});
after(() => ctx.close());

/** RDF/XML through a real parser (strict XML, IRIs validated), as RDF/JS quads. */
function parseRdfXml(xml: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    const parser = new RdfXmlParser({ baseIRI: "http://localhost:80/", validateUri: true });
    parser.on("data", (q: Quad) => quads.push(q));
    parser.on("error", reject);
    parser.on("end", () => resolve(quads));
    parser.write(xml);
    parser.end();
  });
}

const nquads = (quads: Quad[]) => new Writer({ format: "N-Quads" }).quadsToString(quads);

async function jsonLdQuads(document: unknown): Promise<string> {
  return String(
    await jsonld.toRDF(
      document as jsonld.JsonLdDocument,
      {
        format: "application/n-quads",
        safe: true,
        documentLoader: noRemote,
      } as jsonld.Options.ToRdf,
    ),
  );
}

/** Canonical N-Quads lines (URDNA2015 names blank nodes by the graph's shape), duplicates merged. */
async function graph(quads: string): Promise<string[]> {
  return [...new Set((await canonical(quads)).split("\n").filter(Boolean))].sort();
}

function sameGraph(a: string[], b: string[], names: [string, string]) {
  const onlyA = a.filter((l) => !b.includes(l));
  const onlyB = b.filter((l) => !a.includes(l));
  assert.deepEqual({ [names[0]]: onlyA, [names[1]]: onlyB }, { [names[0]]: [], [names[1]]: [] });
}

async function canonical(nquads: string): Promise<string> {
  // jsonld.canonize takes N-Quads with inputFormat (the @types package only knows JSON-LD input).
  const canonize = jsonld.canonize as unknown as (
    input: string,
    options: Record<string, string>,
  ) => Promise<string>;
  return canonize(nquads, {
    algorithm: "URDNA2015",
    inputFormat: "application/n-quads",
    format: "application/n-quads",
  });
}

describe("DCAT-AP catalogue", () => {
  it("parses as Turtle (n3) and as JSON-LD (jsonld.js, safe mode, no remote context)", async () => {
    assert.ok(store.size > 50, `only ${store.size} triples`);
    const quads = await jsonld.toRDF(doc, {
      format: "application/n-quads",
      safe: true,
      documentLoader: noRemote,
    } as jsonld.Options.ToRdf);
    assert.ok(String(quads).length > 0);
    const expanded = await jsonld.expand(
      doc as jsonld.JsonLdDocument,
      {
        safe: true,
        documentLoader: noRemote,
      } as jsonld.Options.Expand,
    );
    assert.equal((expanded as unknown[]).length, 1);
  });

  it("gives the same graph in both serialisations (blank nodes aside)", async () => {
    const fromJsonLd = String(
      await jsonld.toRDF(doc, {
        format: "application/n-quads",
        documentLoader: noRemote,
      } as jsonld.Options.ToRdf),
    );
    const fromTurtle = new Writer({ format: "N-Quads" }).quadsToString(
      new Parser({ format: "text/turtle" }).parse(turtle),
    );
    const a = (await canonical(fromJsonLd)).split("\n").sort();
    const b = (await canonical(fromTurtle)).split("\n").sort();
    const onlyJson = a.filter((l) => !b.includes(l));
    const onlyTtl = b.filter((l) => !a.includes(l));
    assert.deepEqual({ onlyJson, onlyTtl }, { onlyJson: [], onlyTtl: [] });
  });

  it("keeps text exactly: quotes, backslashes, line breaks and non-ASCII", () => {
    const spend = namedNode("http://localhost:80/data/spend-2024-q1");
    const datasets = store.getSubjects(iri("rdf:type"), iri("dcat:Dataset"), null);
    const subject = datasets.find((d) => d.value.endsWith("/data/spend-2024-q1")) ?? spend;
    const [description] = store.getObjects(subject, iri("dct:description"), null);
    assert.ok(description, "a description");
    assert.match(description.value, /"purpose"\.\nOne row/);
    assert.match(description.value, /C:\\data\\spend\./);
    assert.match(description.value, /£ — VAT|\(£\) — VAT/);
    assert.equal((description as { language?: string }).language, "en");
    const keywords = store.getObjects(subject, iri("dcat:keyword"), null).map((k) => k.value);
    assert.ok(keywords.includes('Café "quotes"'), keywords.join("|"));
    const [title] = store.getObjects(
      datasets.find((d) => d.value.endsWith("/data/council-meetings")) ?? null,
      iri("dct:title"),
      null,
    );
    assert.equal(title?.value, "Council meetings ✓");
  });

  it("gives every dataset the DCAT-AP properties ckanext-dcat's euro_dcat_ap profile reads", () => {
    const catalogs = store.getSubjects(iri("rdf:type"), iri("dcat:Catalog"), null);
    assert.equal(catalogs.length, 1);
    const catalog = catalogs[0];
    for (const p of ["dct:title", "dct:description", "dct:publisher", "foaf:homepage"])
      assert.ok(store.getObjects(catalog, iri(p), null).length, `catalogue ${p}`);
    const datasets = store.getObjects(catalog, iri("dcat:dataset"), null);
    assert.equal(datasets.length, 3);
    const one = (s: Parameters<Store["getObjects"]>[0], p: string) => {
      const o = store.getObjects(s, iri(p), null);
      assert.ok(o.length, `${(s as { value?: string } | null)?.value} has no ${p}`);
      return o;
    };
    for (const d of datasets) {
      assert.equal(
        d.termType,
        "NamedNode",
        "a dataset has an IRI (ckanext-dcat keeps it as `uri`)",
      );
      assert.ok(store.has(DataFactory.quad(d as never, iri("rdf:type"), iri("dcat:Dataset"))));
      for (const p of ["dct:title", "dct:description"])
        assert.equal(one(d, p)[0].termType, "Literal");
      for (const p of ["dct:issued", "dct:modified"]) {
        const [v] = one(d, p) as { datatype?: { value: string }; value: string }[];
        assert.ok(
          [`${NS.xsd}dateTime`, `${NS.xsd}date`].includes(v.datatype?.value ?? ""),
          `${p} typed`,
        );
        assert.ok(!Number.isNaN(Date.parse(v.value)));
      }
      assert.ok(one(d, "dcat:keyword").every((k) => k.termType === "Literal"));
      const themes = one(d, "dcat:theme");
      assert.ok(
        themes.some((t) =>
          t.value.startsWith("http://publications.europa.eu/resource/authority/data-theme/"),
        ),
        "a theme from the EU data-theme vocabulary",
      );
      assert.ok(themes.every((t) => t.termType === "NamedNode"));
      const [freq] = one(d, "dct:accrualPeriodicity");
      assert.match(
        freq.value,
        /^http:\/\/publications\.europa\.eu\/resource\/authority\/frequency\/[A-Z_]+$/,
      );
      const [publisher] = one(d, "dct:publisher");
      assert.ok(store.getObjects(publisher, iri("foaf:name"), null).length, "publisher name");
      assert.equal(store.getObjects(publisher, iri("foaf:name"), null).length, 1);
      const [contact] = one(d, "dcat:contactPoint");
      const types = store.getObjects(contact, iri("rdf:type"), null).map((t) => t.value);
      assert.ok(
        types.some((t) => t.startsWith(NS.vcard)),
        "contact point is a vCard",
      );
      assert.ok(store.getObjects(contact, iri("vcard:fn"), null).length, "vcard:fn");
      assert.equal(one(d, "dcat:landingPage")[0].termType, "NamedNode");
      assert.ok(one(d, "dct:license")[0].value.startsWith("https://"));
      for (const dist of one(d, "dcat:distribution")) {
        assert.ok(
          store.has(DataFactory.quad(dist as never, iri("rdf:type"), iri("dcat:Distribution"))),
        );
        const access = one(dist, "dcat:accessURL");
        assert.equal(access[0].termType, "NamedNode");
        assert.doesNotThrow(() => new URL(access[0].value));
        assert.ok(!/[\s<>"{}|\\^`]/.test(access[0].value), `IRI-safe: ${access[0].value}`);
        assert.ok(one(dist, "dct:license").length);
        assert.ok(one(dist, "dct:title").length);
        const [format] = one(dist, "dct:format");
        assert.match(format.value, /resource\/authority\/file-type\/[A-Z]+$/);
        const download = store.getObjects(dist, iri("dcat:downloadURL"), null);
        if (download.length) {
          assert.equal(download[0].termType, "NamedNode");
          const [media] = one(dist, "dcat:mediaType");
          assert.match(
            media.value,
            /^http:\/\/www\.iana\.org\/assignments\/media-types\/\w+\/[\w.+-]+$/,
          );
        }
      }
    }
    const spend = datasets.find((d) => d.value.endsWith("/spend-2024-q1"));
    const [temporal] = one(spend as never, "dct:temporal");
    const [start] = one(temporal, "dcat:startDate") as {
      datatype?: { value: string };
      value: string;
    }[];
    assert.equal(start.value, "2024-04-01");
    assert.equal(start.datatype?.value, `${NS.xsd}date`);
    const [email] = store.getObjects(
      one(spend as never, "dcat:contactPoint")[0],
      iri("vcard:hasEmail"),
      null,
    );
    assert.match(email.value, /^mailto:finance@/);
  });
});

describe("DCAT-AP catalogue in RDF/XML", () => {
  it("is well-formed XML 1.0 with the namespaces it uses declared", () => {
    assert.match(rdfXml, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<rdf:RDF/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for what XML 1.0 forbids
    assert.doesNotMatch(rdfXml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    for (const p of ["rdf", "dcat", "dct", "foaf", "vcard", "skos", "spdx"])
      assert.match(rdfXml, new RegExp(`xmlns:${p}="`), `xmlns:${p}`);
    assert.doesNotMatch(rdfXml, /xmlns:xsd=/, "xsd is only in datatype IRIs, never an element");
    assert.match(rdfXml, /&lt;b&gt;before&lt;\/b&gt; &amp; after/);
    assert.match(rdfXml, /it's&#xD;\nsecond line/);
  });

  it("is the same graph as the Turtle and the JSON-LD (rdfxml-streaming-parser, canonical N-Quads)", async () => {
    const quads = await parseRdfXml(rdfXml);
    assert.ok(quads.length > 80, `only ${quads.length} triples`);
    const fromXml = await graph(nquads(quads));
    const fromTurtle = await graph(nquads(new Parser({ format: "text/turtle" }).parse(turtle)));
    const fromJsonLd = await graph(await jsonLdQuads(doc));
    sameGraph(fromXml, fromTurtle, ["onlyXml", "onlyTurtle"]);
    sameGraph(fromXml, fromJsonLd, ["onlyXml", "onlyJsonLd"]);
  });

  it("keeps awkward text exactly, and drops only what XML 1.0 cannot carry, in all three", async () => {
    const xmlStore = new Store(await parseRdfXml(rdfXml));
    const subject = namedNode("http://localhost:80/data/rents-awkward");
    for (const [name, s] of [
      ["RDF/XML", xmlStore],
      ["Turtle", store],
    ] as const) {
      const [description] = s.getObjects(subject, iri("dct:description"), null);
      assert.equal(description?.value, AWKWARD_KEPT, name);
      assert.equal((description as { language?: string }).language, "en");
      const [title] = s.getObjects(subject, iri("dct:title"), null);
      assert.equal(title?.value, 'Rents & <service> "charges" ✓', name);
      const keywords = s.getObjects(subject, iri("dcat:keyword"), null).map((k) => k.value);
      assert.deepEqual(keywords.sort(), ["<tag>", "ab", "rents & charges"], name);
      const [distribution] = s.getObjects(subject, iri("dcat:distribution"), null);
      const [access] = s.getObjects(distribution, iri("dcat:accessURL"), null);
      assert.equal(access.value, "https://northmoor.example.gov.uk/rents?a=1&b=%3C2%3E", name);
    }
    const json = (doc["dcat:dataset"] as Record<string, unknown>[]).find((d) =>
      String(d["@id"]).endsWith("/rents-awkward"),
    );
    assert.deepEqual(json?.["dct:description"], { "@value": AWKWARD_KEPT, "@language": "en" });
  });

  it("is served at /catalog.xml too (ckanext-dcat's two names), cached with an ETag", async () => {
    const xml = await ctx.app.inject({ url: "/catalog.xml" });
    assert.equal(xml.statusCode, 200);
    assert.equal(xml.headers["content-type"], "application/rdf+xml; charset=utf-8");
    assert.equal(xml.body, rdfXml);
    assert.match(String(xml.headers["cache-control"]), /public, max-age=300/);
    const again = await ctx.app.inject({
      url: "/catalog.rdf",
      headers: { "if-none-match": String(xml.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, "");
  });
});

describe("RDF/XML writer", () => {
  it("writes the JSON-LD shapes the catalogue does not use yet as jsonld.js reads them", async () => {
    const prefixes = { ex: "http://example.org/ns#", dct: NS.dct, xsd: NS.xsd };
    const tree = {
      "@id": "http://example.org/a?x=1&y=2",
      "@type": ["ex:Thing", "http://example.org/other/Kind", `${NS.rdf}Statement`],
      "ex:count": 3,
      "ex:ratio": 0.25,
      "ex:open": true,
      "ex:plain": "tab\there & <there>",
      "ex:empty": { "@value": "", "@language": "en" },
      "ex:when": { "@value": "2024-04-01", "@type": "xsd:date" },
      "http://example.org/full/prop": "a predicate with no prefix",
      "ex:shared": [{ "@id": "_:n1", "ex:label": "named blank" }, { "@id": "_:n1" }],
      "ex:nested": [
        [{ "ex:deep": { "@id": "http://example.org/b", "@type": "ex:Thing" } }],
        undefined,
      ],
      "ex:none": [],
    };
    const context = Object.fromEntries(Object.entries(prefixes));
    const expected = await graph(await jsonLdQuads({ "@context": context, ...tree }));
    const xml = toRdfXml(tree, prefixes);
    assert.match(xml, /xmlns:ns\d+="http:\/\/example\.org\/full\/"/);
    assert.match(xml, /<ex:Thing rdf:about="http:\/\/example\.org\/a\?x=1&amp;y=2">/);
    sameGraph(await graph(nquads(await parseRdfXml(xml))), expected, ["onlyXml", "onlyJsonLd"]);
  });
});

describe("DCAT for one dataset (/data/{slug}.{format})", () => {
  const TYPES = {
    jsonld: "application/ld+json; charset=utf-8",
    ttl: "text/turtle; charset=utf-8",
    rdf: "application/rdf+xml; charset=utf-8",
  };

  for (const slug of ["spend-2024-q1", "rents-awkward"])
    it(`${slug}: the same dataset in JSON-LD, Turtle and RDF/XML, and as the catalogue describes it`, async () => {
      const bodies: Record<string, string> = {};
      for (const [ext, type] of Object.entries(TYPES)) {
        const res = await ctx.app.inject({ url: `/data/${slug}.${ext}` });
        assert.equal(res.statusCode, 200, `${slug}.${ext}`);
        assert.equal(res.headers["content-type"], type);
        assert.ok(res.headers.etag, "an ETag");
        bodies[ext] = res.body;
      }
      const fromXml = await graph(nquads(await parseRdfXml(bodies.rdf)));
      const fromTurtle = await graph(
        nquads(new Parser({ format: "text/turtle" }).parse(bodies.ttl)),
      );
      const fromJsonLd = await graph(await jsonLdQuads(JSON.parse(bodies.jsonld)));
      sameGraph(fromXml, fromTurtle, ["onlyXml", "onlyTurtle"]);
      sameGraph(fromXml, fromJsonLd, ["onlyXml", "onlyJsonLd"]);

      const one = new Store(await parseRdfXml(bodies.rdf));
      const datasets = one.getSubjects(iri("rdf:type"), iri("dcat:Dataset"), null);
      assert.deepEqual(
        datasets.map((d) => d.value),
        [`http://localhost:80/data/${slug}`],
      );
      assert.equal(one.getSubjects(iri("rdf:type"), iri("dcat:Catalog"), null).length, 0);
      assert.ok(one.getObjects(datasets[0], iri("dcat:distribution"), null).length);
      // Every statement without a blank node is in the catalogue too: one description, two documents.
      const catalogue = new Set(await graph(nquads(await parseRdfXml(rdfXml))));
      for (const line of fromXml.filter((l) => !l.includes("_:")))
        assert.ok(catalogue.has(line), `not in the catalogue: ${line}`);
    });

  it("answers 404 for a draft, an unknown dataset or a format it does not serve", async () => {
    for (const url of [
      "/data/draft-rents.jsonld",
      "/data/draft-rents.ttl",
      "/data/draft-rents.rdf",
      "/data/no-such-dataset.ttl",
      "/data/spend-2024-q1.n3",
      "/data/spend-2024-q1.html",
    ]) {
      const res = await ctx.app.inject({ url });
      assert.equal(res.statusCode, 404, url);
    }
    const page = await ctx.app.inject({ url: "/data/draft-rents" });
    assert.equal(page.statusCode, 404, "the draft's page too");
  });

  it("is linked from the dataset's page, in the head (rel=alternate) and in the text", async () => {
    const page = await ctx.app.inject({ url: "/data/spend-2024-q1" });
    assert.equal(page.statusCode, 200);
    const head = page.body.slice(0, page.body.indexOf("</head>"));
    for (const [ext, type] of Object.entries(TYPES))
      assert.ok(
        head.includes(
          `<link rel="alternate" type="${type.split(";")[0]}" href="/data/spend-2024-q1.${ext}">`,
        ),
        `alternate ${type}`,
      );
    assert.match(
      page.body,
      /This dataset as DCAT: <a class="govuk-link" href="\/data\/spend-2024-q1\.jsonld">JSON-LD<\/a>, <a class="govuk-link" href="\/data\/spend-2024-q1\.ttl">Turtle<\/a>, <a class="govuk-link" href="\/data\/spend-2024-q1\.rdf">RDF\/XML<\/a>/,
    );
  });
});

describe("content negotiation on /catalog (as ckanext-dcat reads Accept)", () => {
  const cases: [string | undefined, "jsonld" | "ttl" | "rdf" | "page"][] = [
    ["application/ld+json", "jsonld"],
    ["text/turtle", "ttl"],
    ["application/rdf+xml", "rdf"],
    ["application/rdf+xml;q=0.5, text/turtle;q=0.9", "ttl"],
    ["text/turtle, application/ld+json", "ttl"],
    ["application/ld+json;q=0, text/turtle;q=0.1", "ttl"],
    ["text/html;q=0.5, application/ld+json", "jsonld"],
    ["text/*", "ttl"],
    ["application/*", "rdf"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "page"],
    ["*/*", "page"],
    ["application/json", "page"],
    [undefined, "page"],
  ];
  for (const [accept, want] of cases)
    it(`Accept: ${accept ?? "(none)"} → ${want}`, async () => {
      const res = await ctx.app.inject({
        url: "/catalog",
        headers: accept === undefined ? {} : { accept },
      });
      assert.match(String(res.headers.vary), /\bAccept\b/i);
      if (want === "page") {
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, "/data");
        return;
      }
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["content-location"], `/catalog.${want}`);
      const direct = await ctx.app.inject({ url: `/catalog.${want}` });
      assert.equal(res.headers["content-type"], direct.headers["content-type"]);
      assert.equal(res.body, direct.body);
    });

  it("answers If-None-Match with 304 for the representation it would send", async () => {
    const first = await ctx.app.inject({ url: "/catalog", headers: { accept: "text/turtle" } });
    const again = await ctx.app.inject({
      url: "/catalog",
      headers: { accept: "text/turtle", "if-none-match": String(first.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
    const other = await ctx.app.inject({
      url: "/catalog",
      headers: { accept: "application/rdf+xml", "if-none-match": String(first.headers.etag) },
    });
    assert.equal(other.statusCode, 200, "a different representation has a different ETag");
  });
});

/**
 * schema.org Dataset JSON-LD on each public dataset page, checked against Google's Dataset structured-data
 * rules and expanded by jsonld.js. Search engines know `https://schema.org/` without fetching it; offline the
 * test gives jsonld.js the same mapping (every term in the schema.org vocabulary).
 */
const schemaOrgLoader = async (url: string) => {
  if (url.replace(/\/$/, "") !== "https://schema.org")
    throw new Error(`unexpected remote context: ${url}`);
  return {
    contextUrl: undefined,
    documentUrl: url,
    document: { "@context": { "@vocab": "https://schema.org/" } },
  };
};

describe("schema.org Dataset on public pages (Google Dataset Search)", () => {
  for (const slug of ["spend-2024-q1", "council-meetings"])
    it(`${slug}: has Google's required and recommended properties and parses as JSON-LD`, async () => {
      const page = await ctx.app.inject({ url: `/data/${slug}` });
      assert.equal(page.statusCode, 200);
      const script = /<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/.exec(
        page.body,
      );
      assert.ok(script, "a JSON-LD script");
      const data = JSON.parse(script[1]);
      assert.equal(data["@type"], "Dataset");
      assert.ok(data.name);
      assert.ok(
        data.description.length >= 50 && data.description.length <= 5000,
        `description is ${data.description.length} characters`,
      );
      assert.match(data.url, new RegExp(`/data/${slug}$`));
      assert.match(data.license, /^https:\/\//);
      assert.ok(data.creator?.name && data.creator["@type"]);
      assert.ok(Array.isArray(data.keywords));
      for (const d of data.distribution ?? []) {
        assert.equal(d["@type"], "DataDownload");
        assert.ok(d.encodingFormat, "encodingFormat");
        assert.doesNotThrow(() => new URL(d.contentUrl));
        const file = await ctx.app.inject({ url: new URL(d.contentUrl).pathname });
        assert.equal(file.statusCode, 200, d.contentUrl);
      }
      if (slug === "spend-2024-q1") {
        assert.equal(data.distribution.length, 1);
        assert.equal(data.temporalCoverage, "2024-04-01/2024-06-30");
        assert.equal(data.spatialCoverage.name, "Northmoor");
      }
      const quads = String(
        await jsonld.toRDF(data, {
          format: "application/n-quads",
          safe: true,
          documentLoader: schemaOrgLoader,
        } as jsonld.Options.ToRdf),
      );
      assert.match(quads, /<https:\/\/schema\.org\/name>/);
      assert.match(quads, /<https:\/\/schema\.org\/Dataset>/);
    });
});
