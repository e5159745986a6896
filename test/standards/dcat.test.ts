import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import jsonld from "jsonld";
import { DataFactory, Parser, Store, Writer } from "n3";
import { createTestContext, type TestContext } from "../helpers/runtime.ts";
import { publishCatalogue } from "./fixtures.ts";

/**
 * The DCAT-AP catalogue read by real RDF parsers: n3 for Turtle, jsonld.js for JSON-LD (expansion and
 * toRDF in safe mode, offline: the context is inline). Both must give the same graph, and each dataset must
 * carry what ckanext-dcat's euro_dcat_ap profiles read (data.gov.uk harvests with it).
 */
const { namedNode } = DataFactory;
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

before(async () => {
  ctx = await createTestContext();
  await publishCatalogue(ctx);
  const ttl = await ctx.app.inject({ url: "/catalog.ttl" });
  assert.equal(ttl.statusCode, 200);
  assert.match(String(ttl.headers["content-type"]), /^text\/turtle/);
  turtle = ttl.body;
  const json = await ctx.app.inject({ url: "/catalog.jsonld" });
  assert.equal(json.statusCode, 200);
  assert.match(String(json.headers["content-type"]), /^application\/ld\+json/);
  doc = json.json();
  store = new Store(new Parser({ format: "text/turtle" }).parse(turtle));
});
after(() => ctx.close());

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
    assert.equal(datasets.length, 2);
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
