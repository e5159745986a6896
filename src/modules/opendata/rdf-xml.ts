/**
 * RDF/XML (https://www.w3.org/TR/rdf-syntax-grammar/) written from a JSON-LD node tree: the shapes the DCAT
 * presenters build — nodes with an `@id` or blank, `@type`, compact IRIs with the given prefixes, `{ "@id" }`
 * references, `{ "@value", "@language" | "@type" }` literals, plain strings, numbers and booleans, arrays of
 * values (several values of one property), and `undefined` for "no value". Nested nodes are written nested,
 * typed node elements where the type has a QName (`<dcat:Dataset rdf:about>`), as rdflib's pretty-xml does.
 */
type JsonLdNode = { [key: string]: unknown };

const RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD = "http://www.w3.org/2001/XMLSchema#";

/**
 * Characters XML 1.0 cannot carry, not even as character references: C0 controls other than tab, line feed
 * and carriage return; U+FFFE and U+FFFF; and halves of a surrogate pair without the other half.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is being matched
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text without the characters XML 1.0 cannot carry. */
export function xmlChars(s: string): string {
  return s.replace(NOT_XML, "");
}

/** Character data: markup characters escaped, and CR as a reference (a parser would turn a raw CR into LF). */
function xmlText(s: string): string {
  return s
    .replace(NOT_XML, "")
    .replace(
      /[&<>\r]/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;" })[c] as string,
    );
}

/** An attribute value in double quotes: tab and line breaks as references, or the parser would make them spaces. */
function xmlAttr(s: string): string {
  return s.replace(NOT_XML, "").replace(
    /[&<>"\t\n\r]/g,
    (c) =>
      ({
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#x9;",
        "\n": "&#xA;",
        "\r": "&#xD;",
      })[c] as string,
  );
}

/** Names in the rdf: namespace that RDF/XML reserves for its syntax, so no property element may have them. */
const NOT_PROPERTY = new Set([
  "RDF",
  "Description",
  "ID",
  "about",
  "parseType",
  "resource",
  "nodeID",
  "datatype",
  "li",
  "aboutEach",
  "aboutEachPrefix",
  "bagID",
]);

/** An XML name without a colon (ASCII only: anything else gets a namespace of its own or rdf:type). */
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const values = (v: unknown): unknown[] =>
  (Array.isArray(v) ? v.flat(Number.POSITIVE_INFINITY) : [v]).filter(
    (x) => x !== undefined && x !== null,
  );

/** JSON-LD's lexical form of a native number (an integer, else an xsd:double in canonical form). */
function numberLiteral(n: number): { value: string; datatype: string } {
  if (Number.isInteger(n)) return { value: String(n), datatype: `${XSD}integer` };
  return {
    value: n.toExponential(15).replace(/(\d)0*e\+?/, "$1E"),
    datatype: `${XSD}double`,
  };
}

export function toRdfXml(root: JsonLdNode, prefixes: Readonly<Record<string, string>>): string {
  /** Namespaces used, prefix → IRI: declared on rdf:RDF once the body is written. */
  const used = new Map<string, string>([["rdf", RDF]]);
  const blankIds = new Map<string, string>();
  const described = new Set<string>();

  const expand = (id: string): string => {
    const m = /^([A-Za-z_][\w.-]*):(.*)$/s.exec(id);
    if (m && m[1] in prefixes && !m[2].startsWith("//")) return prefixes[m[1]] + m[2];
    return id;
  };

  /**
   * A QName for a property (`mint`: a namespace of its own when no prefix fits) or for a type (rdf: types
   * are left to rdf:type, as a node element named rdf:Description would lose them), else undefined.
   */
  const qname = (iri: string, mint: boolean): string | undefined => {
    const known = mint
      ? [["rdf", RDF] as const, ...Object.entries(prefixes)]
      : Object.entries(prefixes);
    for (const [p, ns] of known) {
      const local = iri.slice(ns.length);
      if (!iri.startsWith(ns) || !NCNAME.test(local) || (ns === RDF && NOT_PROPERTY.has(local)))
        continue;
      used.set(p, ns);
      return `${p}:${local}`;
    }
    if (!mint) return undefined;
    const m = /^(.*[#/])([A-Za-z_][A-Za-z0-9_.-]*)$/.exec(iri);
    if (!m || m[1] === RDF) return undefined;
    let p = [...used].find(([, ns]) => ns === m[1])?.[0];
    for (let i = used.size; !p; i++)
      if (!used.has(`ns${i}`) && !(`ns${i}` in prefixes)) {
        p = `ns${i}`;
        used.set(p, m[1]);
      }
    return `${p}:${m[2]}`;
  };

  /** rdf:about / rdf:resource for an IRI, rdf:nodeID for a named blank node. */
  const ref = (id: string, attr: "about" | "resource"): string => {
    if (id.startsWith("_:")) {
      if (!blankIds.has(id)) blankIds.set(id, `b${blankIds.size}`);
      return `rdf:nodeID="${blankIds.get(id)}"`;
    }
    return `rdf:${attr}="${xmlAttr(expand(id))}"`;
  };

  const literal = (tag: string, value: unknown, language?: unknown, datatype?: unknown): string => {
    if (typeof value === "number" && datatype === undefined) {
      const n = numberLiteral(value);
      return `<${tag} rdf:datatype="${xmlAttr(n.datatype)}">${n.value}</${tag}>`;
    }
    if (typeof value === "boolean" && datatype === undefined)
      return `<${tag} rdf:datatype="${XSD}boolean">${value}</${tag}>`;
    const text = xmlText(String(value));
    if (language) return `<${tag} xml:lang="${xmlAttr(String(language))}">${text}</${tag}>`;
    if (datatype)
      return `<${tag} rdf:datatype="${xmlAttr(expand(String(datatype)))}">${text}</${tag}>`;
    return `<${tag}>${text}</${tag}>`;
  };

  const property = (key: string, value: unknown, indent: string): string => {
    const tag = qname(expand(key), true);
    if (!tag) throw new Error(`RDF/XML has no element name for the property <${expand(key)}>`);
    if (typeof value !== "object") return `${indent}${literal(tag, value)}`;
    const o = value as JsonLdNode;
    if ("@list" in o || "@set" in o) throw new Error(`RDF/XML writer: ${key} holds a JSON-LD list`);
    if ("@value" in o) return `${indent}${literal(tag, o["@value"], o["@language"], o["@type"])}`;
    const id = typeof o["@id"] === "string" ? o["@id"] : undefined;
    const more = Object.keys(o).some((k) => k !== "@id" && values(o[k]).length > 0);
    // A node met again with the same description (a publisher, a theme) is written once, then referred to.
    const signature = id === undefined ? undefined : JSON.stringify(o);
    if (id !== undefined && (!more || described.has(signature as string)))
      return `${indent}<${tag} ${ref(id, "resource")}/>`;
    return `${indent}<${tag}>\n${node(o, `${indent}  `)}\n${indent}</${tag}>`;
  };

  const node = (n: JsonLdNode, indent: string): string => {
    const id = typeof n["@id"] === "string" ? n["@id"] : undefined;
    if (id !== undefined) described.add(JSON.stringify(n));
    const types = values(n["@type"]).map((t) => expand(String(t)));
    const typeTag = types.length ? qname(types[0], false) : undefined;
    const tag = typeTag ?? "rdf:Description";
    const lines = (typeTag ? types.slice(1) : types).map(
      (t) => `${indent}  <rdf:type rdf:resource="${xmlAttr(t)}"/>`,
    );
    for (const [key, value] of Object.entries(n)) {
      if (key.startsWith("@")) continue;
      for (const v of values(value)) lines.push(property(key, v, `${indent}  `));
    }
    const open = `${indent}<${tag}${id === undefined ? "" : ` ${ref(id, "about")}`}`;
    return lines.length ? `${open}>\n${lines.join("\n")}\n${indent}</${tag}>` : `${open}/>`;
  };

  const body = node(root, "  ");
  const xmlns = [...used].map(([p, ns]) => `\n    xmlns:${p}="${xmlAttr(ns)}"`).join("");
  return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF${xmlns}>\n${body}\n</rdf:RDF>\n`;
}
