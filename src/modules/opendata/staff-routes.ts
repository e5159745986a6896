import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { anyRole, hasRole } from "../../platform/auth/policy.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../platform/web/forms.ts";
import { readMultipart } from "../../platform/web/uploads.ts";
import type { CheckReport } from "./checker.ts";
import {
  type Dataset,
  type DatasetInput,
  MAX_PICKED_ROWS,
  MAX_PICKED_VALUES,
  OpenDataInputError,
  parseRowList,
  type Redaction,
} from "./opendata-service.ts";
import { headerKey } from "./table-schema.ts";
import {
  CODE_TEMPLATES,
  codeTemplate,
  councilYear,
  PUBLICATION_CLASSES,
} from "./transparency-code.ts";
import { FORMATS, FREQUENCIES, LICENCES, THEMES } from "./vocabulary.ts";

/** Who may edit the catalogue and upload files; who may decide on personal-data findings. */
export const editors = anyRole("administrator", "ig-officer", "dpo", "asset-owner", "analyst");
export const reviewers = anyRole("administrator", "dpo", "ig-officer");

const optional = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((v) => v || null);
const optionalDate = z
  .string()
  .trim()
  .optional()
  .refine(
    (v) => !v || /^\d{4}-\d{2}-\d{2}$/.test(v),
    "Enter the date as YYYY-MM-DD, like 2025-03-31",
  )
  .transform((v) => v || null);

const datasetForm = z.object({
  title: z.string().trim().min(1, "Enter a title").max(200),
  slug: z.string().trim().max(100).optional(),
  description: z
    .string()
    .trim()
    .min(1, "Describe what the data is and where it comes from")
    .max(5000),
  serviceAreaId: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  contactName: optional,
  contactEmail: z
    .string()
    .trim()
    .optional()
    .refine(
      (v) => !v || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
      "Enter an email address like opendata@example.gov.uk",
    )
    .transform((v) => v || null),
  themes: z.preprocess(asArray, z.array(z.string())),
  keywords: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean)
        .slice(0, 30),
    ),
  licence: z.string().default("OGL-UK-3.0"),
  frequency: z.string().min(1, "Choose how often it is updated"),
  temporalStart: optionalDate,
  temporalEnd: optionalDate,
  spatial: optional,
  sourceAssetId: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  publicationClass: z.string().min(1, "Choose a class of the publication scheme"),
  template: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
});

const resourceForm = z.object({
  name: z.string().trim().min(1, "Enter a name for the resource").max(200),
  description: z.string().trim().max(2000).optional(),
  format: z.enum(FORMATS, "Choose a format"),
  linkUrl: z.string().trim().optional(),
  schemaName: z.string().trim().optional(),
  period: z.string().trim().max(20).optional(),
});

/** The details of an existing resource: its format and schema stay as its versions were checked. */
const resourceDetailsForm = resourceForm.omit({ format: true, schemaName: true });

const reviewForm = z.object({
  decision: z.enum(["not-personal-data", "redact"], "Choose what to do"),
  reason: z
    .string()
    .trim()
    .min(10, "Explain the decision in a sentence (at least 10 characters)")
    .max(2000),
  redact: z.preprocess(asArray, z.array(z.string())),
});

const withdrawForm = z.object({
  reason: z
    .string("Explain why the version is withdrawn")
    .trim()
    .min(10, "Explain why the version is withdrawn in a sentence (at least 10 characters)")
    .max(2000, "Explain why in 2,000 characters or fewer"),
});

/** The review form's fields in page order: the error summary lists problems in this order. */
const REVIEW_FIELDS = [
  "cells",
  "decision",
  "redact",
  "rowsColumn",
  "rows",
  "valuesColumn",
  "exactValues",
  "reason",
];

/** The columns of a checked file a reviewer can redact in: the flagged ones first, as the file names them. */
function reviewColumns(report: CheckReport | null): string[] {
  const flagged = (report?.findings ?? []).flatMap((f) => (f.column ? [f.column] : []));
  const missing = new Set(report?.missingColumns ?? []);
  const others = [
    ...(report?.schema?.fields ?? []).map((f) => f.name).filter((n) => !missing.has(n)),
    ...(report?.extraColumns ?? []),
  ];
  const out: string[] = [];
  for (const c of [...flagged, ...others])
    if (!out.some((o) => headerKey(o) === headerKey(c))) out.push(c);
  return out;
}

/**
 * The cells a reviewer picked by hand, from the raw form: ticked in the report ("row:column"), rows of a
 * column ("12, 40-45, 101") and exact values of a column (one on each line). Rows of one column, ticked
 * or typed, become one redaction. Every problem is reported, each against its field.
 */
function handPicked(
  body: Record<string, unknown>,
  report: CheckReport | null,
): { redactions: Redaction[]; errors: { field: string; text: string }[] } {
  const rowCount = report?.rows ?? 0;
  const columns = reviewColumns(report);
  const errors: { field: string; text: string }[] = [];
  const rowsOf = new Map<string, Set<number>>();
  const pick = (column: string, rows: number[]) =>
    rowsOf.set(column, new Set([...(rowsOf.get(column) ?? []), ...rows]));

  for (const cell of asArray(body.cells)) {
    const m = /^(\d{1,9}):(.+)$/s.exec(cell);
    const row = Number(m?.[1]);
    if (!m || !columns.includes(m[2]) || row < 2 || row > rowCount + 1) {
      errors.push({
        field: "cells",
        text: "A ticked cell is not in this file: open the report again and tick the cells again",
      });
      break;
    }
    pick(m[2], [row]);
  }

  const column = (field: string, purpose: string) => {
    const chosen = String(body[field] ?? "").trim();
    if (!chosen) errors.push({ field, text: `Choose the column ${purpose}` });
    else if (!columns.includes(chosen))
      errors.push({ field, text: "Choose one of the columns of this file" });
    else return chosen;
    return undefined;
  };

  const rowsText = String(body.rows ?? "").trim();
  if (rowsText || String(body.rowsColumn ?? "").trim()) {
    const rowsColumn = column("rowsColumn", "the rows are in");
    const parsed =
      rowsText.length > 20_000
        ? { error: `Pick at most ${MAX_PICKED_ROWS.toLocaleString("en-GB")} rows in a column` }
        : parseRowList(rowsText, rowCount);
    if ("error" in parsed) errors.push({ field: "rows", text: parsed.error });
    else if (rowsColumn) pick(rowsColumn, parsed.rows);
  }
  for (const [c, rows] of rowsOf)
    if (rows.size > MAX_PICKED_ROWS)
      errors.push({
        field: body.rows ? "rows" : "cells",
        text: `Pick at most ${MAX_PICKED_ROWS.toLocaleString("en-GB")} rows in ${c}, ticked and typed together`,
      });

  const redactions: Redaction[] = [...rowsOf].map(([c, rows]) => ({
    column: c,
    mode: "rows",
    rows: [...rows].sort((a, b) => a - b),
  }));

  const valuesText = String(body.exactValues ?? "");
  if (valuesText.trim() || String(body.valuesColumn ?? "").trim()) {
    const valuesColumn = column("valuesColumn", "the values are in");
    const values = [
      ...new Set(
        valuesText
          .split(/\r?\n/)
          .map((v) => v.trim())
          .filter(Boolean),
      ),
    ];
    if (!values.length)
      errors.push({ field: "exactValues", text: "Enter the values to redact, one on each line" });
    else if (values.length > MAX_PICKED_VALUES)
      errors.push({
        field: "exactValues",
        text: `Enter at most ${MAX_PICKED_VALUES} values: to redact more, replace the column's flagged values or remove the column`,
      });
    else if (values.some((v) => v.length > 500))
      errors.push({
        field: "exactValues",
        text: "A value is longer than 500 characters: enter each cell's whole value on a line of its own",
      });
    else if (valuesColumn) redactions.push({ column: valuesColumn, mode: "values", values });
  }
  return { redactions, errors };
}

/** Errors from the form schema and from the hand-picked cells, in the order the fields are on the page. */
function reviewErrors(
  parsed: FormErrors | undefined,
  more: { field: string; text: string }[],
): FormErrors {
  const errors: FormErrors = { list: [], byField: {} };
  const all = [
    ...(parsed?.list ?? []).map((e) => ({ field: e.href.slice(1), text: e.text })),
    ...more,
  ];
  const at = (field: string) => {
    const i = REVIEW_FIELDS.indexOf(field);
    return i < 0 ? REVIEW_FIELDS.length : i;
  };
  for (const e of all.sort((a, b) => at(a.field) - at(b.field))) {
    if (errors.byField[e.field]) continue;
    errors.byField[e.field] = { text: e.text };
    errors.list.push({ text: e.text, href: `#${e.field}` });
  }
  return errors;
}

export async function staffOpenDataRoutes(app: FastifyInstance, services: Services) {
  const { opendata } = services;
  const edit = { policy: editors };

  async function options(values: Record<string, unknown> = {}) {
    const mark = (field: string, items: { value: string; text: string }[]) =>
      items.map((i) => ({ ...i, selected: String(values[field] ?? "") === i.value }));
    const chosenThemes = asArray(values.themes);
    const areas = await services.organisation.serviceAreas();
    const assets = (await services.assets.list({ pageSize: 200 }).catch(() => ({ items: [] })))
      .items;
    return {
      areaItems: mark("serviceAreaId", [
        { value: "", text: "Choose a service" },
        ...areas.map((a) => ({ value: a.id, text: a.name })),
      ]),
      assetItems: mark("sourceAssetId", [
        { value: "", text: "Not from the register" },
        ...assets.map((a) => ({ value: a.id, text: `${a.reference} ${a.name}` })),
      ]),
      themeItems: THEMES.map((t) => ({ value: t, text: t, checked: chosenThemes.includes(t) })),
      licences: mark(
        "licence",
        Object.entries(LICENCES).map(([value, l]) => ({ value, text: l.title })),
      ),
      frequencies: mark(
        "frequency",
        Object.entries(FREQUENCIES).map(([value, f]) => ({ value, text: f.label })),
      ),
      classes: mark(
        "publicationClass",
        Object.entries(PUBLICATION_CLASSES).map(([value, text]) => ({ value, text })),
      ),
      templates: mark("template", [
        { value: "", text: "Not a Transparency Code dataset" },
        ...CODE_TEMPLATES.map((t) => ({ value: t.key, text: `${t.title} (${t.frequency})` })),
      ]),
      schemas: [
        { value: "", text: "None: infer the columns" },
        ...CODE_TEMPLATES.filter((t) => t.schema).map((t) => ({ value: t.key, text: t.title })),
      ],
      formats: FORMATS.map((f) => ({
        value: f,
        text: f === "LINK" ? "A link to another website" : f,
      })),
    };
  }

  async function loadDataset(id: string): Promise<Dataset> {
    const d = await opendata.get(id);
    if (!d) throw new HttpError(404, "No such dataset.");
    return d;
  }

  const datasetPage = async (
    reply: FastifyReply,
    d: Dataset,
    extra: Record<string, unknown> = {},
  ) => {
    const history = await services.audit.search({
      entityType: "open-dataset",
      entityId: d.id,
      limit: 20,
    });
    return reply.render("opendata/views/staff-dataset.njk", {
      pageTitle: d.title,
      dataset: d,
      blockers: opendata.publicationBlockers(d),
      history: history.events,
      template: codeTemplate(d.template),
      ...(await options()),
      values: {},
      ...extra,
    });
  };

  app.get("/staff/open-data", { config: edit }, async (request, reply) => {
    const query = request.query as { status?: string; q?: string };
    const status = ["draft", "private", "published", "withdrawn"].includes(query.status ?? "")
      ? query.status
      : undefined;
    const [datasets, waiting] = await Promise.all([
      opendata.staffList({ status, q: (query.q ?? "").slice(0, 100) }),
      opendata.awaitingReview(),
    ]);
    return reply.render("opendata/views/staff-list.njk", {
      pageTitle: "Open data",
      datasets,
      waiting,
      status,
      q: query.q ?? "",
    });
  });

  app.get("/staff/open-data/new", { config: edit }, async (request, reply) => {
    const template = codeTemplate((request.query as { template?: string }).template);
    const values: Record<string, unknown> = template
      ? {
          title: template.title,
          description: template.description,
          frequency: template.frequency,
          publicationClass: template.publicationClass,
          themes: [template.theme],
          template: template.key,
          licence: "OGL-UK-3.0",
        }
      : {
          licence: "OGL-UK-3.0",
          frequency: "irregular",
          publicationClass: "lists-and-registers",
          themes: [],
        };
    return reply.render("opendata/views/staff-dataset-form.njk", {
      pageTitle: "Add a dataset",
      action: "/staff/open-data",
      values,
      ...(await options(values)),
    });
  });

  const saveDataset = async (
    request: { body: unknown; audit: Parameters<typeof opendata.create>[0] },
    reply: FastifyReply,
    id?: string,
  ) => {
    const form = parseForm(datasetForm, request.body);
    const again = async (errors: FormErrors, values: Record<string, unknown>) =>
      reply.code(400).render("opendata/views/staff-dataset-form.njk", {
        pageTitle: id ? "Edit the dataset" : "Add a dataset",
        action: id ? `/staff/open-data/${id}` : "/staff/open-data",
        errors,
        values: {
          ...values,
          themes: asArray(values.themes),
          keywords: Array.isArray(values.keywords) ? values.keywords.join(", ") : values.keywords,
        },
        ...(await options(values)),
      });
    if (!form.ok) return again(form.errors, form.values);
    try {
      const input = form.value as DatasetInput;
      const d = id
        ? await opendata.update(request.audit, id, input)
        : await opendata.create(request.audit, input);
      return reply.redirect(`/staff/open-data/${d.id}?done=${id ? "saved" : "created"}`, 303);
    } catch (err) {
      if (err instanceof OpenDataInputError)
        return again(fieldError(err.field, err.message), form.value);
      throw err;
    }
  };

  app.post("/staff/open-data", { config: edit }, (request, reply) => saveDataset(request, reply));

  app.get("/staff/open-data/:id", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    const done = (request.query as { done?: string }).done;
    const flashes: Record<string, string> = {
      created: "Dataset created as a draft. Add a resource and upload its file",
      saved: "Changes saved",
      resource: "Resource added. Upload its file",
      published: "Published. The public pages and the APIs show it now",
      status: "Status changed",
    };
    return datasetPage(reply, d, { flash: done ? flashes[done] : undefined });
  });

  app.get("/staff/open-data/:id/edit", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    return reply.render("opendata/views/staff-dataset-form.njk", {
      pageTitle: "Edit the dataset",
      action: `/staff/open-data/${d.id}`,
      editing: true,
      values: { ...d, keywords: d.keywords.join(", ") },
      ...(await options(d as unknown as Record<string, unknown>)),
    });
  });

  app.post("/staff/open-data/:id", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    return saveDataset(request, reply, d.id);
  });

  app.post("/staff/open-data/:id/resources", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    const form = parseForm(resourceForm, request.body);
    if (!form.ok)
      return datasetPage(reply.code(400), d, { errors: form.errors, values: form.values });
    try {
      const r = await opendata.addResource(request.audit, d.id, {
        ...form.value,
        schemaName:
          form.value.schemaName ||
          (form.value.format === "CSV" || form.value.format === "XLSX" ? d.template : null),
      });
      return reply.redirect(`/staff/open-data/${d.id}/resources/${r.id}?done=resource`, 303);
    } catch (err) {
      if (err instanceof OpenDataInputError)
        return datasetPage(reply.code(400), d, {
          errors: fieldError(err.field, err.message),
          values: form.value,
        });
      throw err;
    }
  });

  const resourcePage = async (
    reply: FastifyReply,
    datasetId: string,
    resourceId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const d = await loadDataset(datasetId);
    const r = d.resources.find((x) => x.id === resourceId);
    if (!r) throw new HttpError(404, "No such resource.");
    const job =
      r.latest?.jobId && r.latest.state === "checking"
        ? await services.jobs.status(r.latest.jobId)
        : undefined;
    return reply.render("opendata/views/staff-resource.njk", {
      pageTitle: `${r.name} – ${d.title}`,
      dataset: d,
      resource: r,
      job,
      refresh: r.latest?.state === "checking",
      ...extra,
    });
  };

  app.get("/staff/open-data/:id/resources/:rid", { config: edit }, async (request, reply) => {
    const { id, rid } = request.params as { id: string; rid: string };
    const done = (request.query as { done?: string }).done;
    return resourcePage(reply, id, rid, {
      flash:
        done === "resource"
          ? "Resource added. Upload its file"
          : done === "uploaded"
            ? "File uploaded and checked"
            : done === "queued"
              ? "File uploaded. The checks are running"
              : done === "details"
                ? "Details saved"
                : undefined,
    });
  });

  app.post("/staff/open-data/:id/resources/:rid", { config: edit }, async (request, reply) => {
    const { id, rid } = request.params as { id: string; rid: string };
    const form = parseForm(resourceDetailsForm, request.body);
    if (!form.ok)
      return resourcePage(reply.code(400), id, rid, { errors: form.errors, values: form.values });
    try {
      await opendata.updateResource(request.audit, rid, form.value);
      return reply.redirect(`/staff/open-data/${id}/resources/${rid}?done=details`, 303);
    } catch (err) {
      if (err instanceof OpenDataInputError)
        return resourcePage(reply.code(400), id, rid, {
          errors: fieldError(err.field, err.message),
          values: form.value,
        });
      throw err;
    }
  });

  app.post(
    "/staff/open-data/:id/resources/:rid/versions",
    { config: edit },
    async (request, reply) => {
      const { id, rid } = request.params as { id: string; rid: string };
      const form = await readMultipart(request);
      const file = form.files.find((f) => f.field === "file");
      const changeNote = String(form.fields.changeNote ?? "").trim();
      if (!file)
        return resourcePage(reply.code(400), id, rid, {
          errors: fieldError("file", "Select a file to upload"),
          values: { changeNote },
        });
      try {
        const v = await opendata.addVersion(request.audit, rid, {
          fileName: file.filename,
          data: file.data,
          changeNote,
        });
        return reply.redirect(
          `/staff/open-data/${id}/resources/${rid}/versions/${v.id}?done=${v.state === "checking" ? "queued" : "uploaded"}`,
          303,
        );
      } catch (err) {
        if (err instanceof OpenDataInputError)
          return resourcePage(reply.code(400), id, rid, {
            errors: fieldError("file", err.message),
            values: { changeNote },
          });
        throw err;
      }
    },
  );

  const versionPage = async (
    reply: FastifyReply,
    params: { id: string; rid: string; vid: string },
    user: Parameters<typeof hasRole>[0],
    extra: Record<string, unknown> = {},
  ) => {
    const d = await loadDataset(params.id);
    const r = d.resources.find((x) => x.id === params.rid);
    const v = r?.versions.find((x) => x.id === params.vid);
    if (!r || !v) throw new HttpError(404, "No such version.");
    const job = v.jobId && v.state === "checking" ? await services.jobs.status(v.jobId) : undefined;
    const columns = [
      ...new Set((v.report?.findings ?? []).flatMap((f) => (f.column ? [f.column] : []))),
    ];
    const values = (extra.values ?? {}) as Record<string, unknown>;
    const canReview = hasRole(user, "dpo", "ig-officer");
    // Each example with a row gets a "Redact this cell" box when the reviewer can decide (the first has
    // the id the error summary links to).
    const ticked = new Set(asArray(values.cells));
    let boxes = 0;
    const findings = (v.report?.findings ?? []).map((f) => ({
      ...f,
      examples: f.examples.map((e) => {
        if (!(canReview && v.gate === "blocked" && f.column && e.row)) return e;
        const value = `${e.row}:${f.column}`;
        boxes++;
        return {
          ...e,
          cell: { id: boxes === 1 ? "cells" : `cells-${boxes}`, value, checked: ticked.has(value) },
        };
      }),
    }));
    const columnItems = (field: string) => [
      { value: "", text: "Choose a column" },
      ...reviewColumns(v.report).map((c) => ({
        value: c,
        text: c,
        selected: String(values[field] ?? "") === c,
      })),
    ];
    const chosen = asArray(values.redact);
    return reply.render("opendata/views/staff-version.njk", {
      pageTitle: `Check report: ${r.name} version ${v.version}`,
      dataset: d,
      resource: r,
      version: v,
      job,
      refresh: v.state === "checking",
      canReview,
      findings,
      rowsColumnItems: columnItems("rowsColumn"),
      valuesColumnItems: columnItems("valuesColumn"),
      redactItems: (v.report?.findings ?? [])
        .filter((f) => f.column)
        .flatMap((f) => [
          {
            value: `cells:${f.column}:${f.rule}`,
            text: `Replace the flagged values in ${f.column} with “Redacted personal data”`,
          },
          { value: `drop:${f.column}`, text: `Remove the whole column ${f.column}` },
        ])
        .filter((item, i, all) => all.findIndex((x) => x.value === item.value) === i)
        .map((item) => ({ ...item, checked: chosen.includes(item.value) })),
      columns,
      values: {},
      ...extra,
    });
  };

  app.get(
    "/staff/open-data/:id/resources/:rid/versions/:vid",
    { config: edit },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      return versionPage(
        reply,
        request.params as { id: string; rid: string; vid: string },
        request.user,
        {
          flash:
            done === "uploaded"
              ? "File uploaded and checked"
              : done === "queued"
                ? "File uploaded. The checks are running; this page updates itself"
                : done === "cleared"
                  ? "Decision recorded. The version may now be published"
                  : done === "withdrawn"
                    ? "Version withdrawn. The public pages, downloads and APIs no longer offer it"
                    : undefined,
        },
      );
    },
  );

  app.post(
    "/staff/open-data/:id/resources/:rid/versions/:vid/review",
    { config: { policy: reviewers } },
    async (request, reply) => {
      const params = request.params as { id: string; rid: string; vid: string };
      const version = await opendata.version(params.vid);
      if (!version) throw new HttpError(404, "No such version.");
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form = parseForm(reviewForm, body);
      const picked =
        body.decision === "redact"
          ? handPicked(body, version.report)
          : { redactions: [], errors: [] };
      if (!form.ok || picked.errors.length)
        return versionPage(reply.code(400), params, request.user, {
          errors: reviewErrors(form.ok ? undefined : form.errors, picked.errors),
          values: body,
        });
      try {
        const redactions: Redaction[] = [
          ...form.value.redact.map((item): Redaction => {
            const [mode, column, rule] = item.split(":");
            return mode === "drop" ? { mode, column } : { mode: "cells", column, rule };
          }),
          ...picked.redactions,
        ];
        const result =
          form.value.decision === "not-personal-data"
            ? await opendata.review(request.audit, params.vid, {
                kind: "not-personal-data",
                reason: form.value.reason,
              })
            : await opendata.review(request.audit, params.vid, {
                kind: "redact",
                reason: form.value.reason,
                redactions,
              });
        return reply.redirect(
          `/staff/open-data/${params.id}/resources/${params.rid}/versions/${result.id}?done=${result.id === params.vid ? "cleared" : "uploaded"}`,
          303,
        );
      } catch (err) {
        if (err instanceof OpenDataInputError)
          return versionPage(reply.code(400), params, request.user, {
            errors: fieldError(err.field === "redactions" ? "redact" : err.field, err.message),
            values: body,
          });
        throw err;
      }
    },
  );

  // Taking one published version back: who may publish may withdraw (as with the whole dataset).
  app.post(
    "/staff/open-data/:id/resources/:rid/versions/:vid/withdraw",
    { config: edit },
    async (request, reply) => {
      const params = request.params as { id: string; rid: string; vid: string };
      const d = await loadDataset(params.id);
      const r = d.resources.find((x) => x.id === params.rid);
      if (!r?.versions.some((x) => x.id === params.vid))
        throw new HttpError(404, "No such version.");
      const form = parseForm(withdrawForm, request.body);
      if (!form.ok)
        return versionPage(reply.code(400), params, request.user, {
          errors: form.errors,
          values: form.values,
        });
      try {
        await opendata.withdrawVersion(request.audit, params.vid, form.value.reason);
      } catch (err) {
        if (err instanceof OpenDataInputError && err.field === "reason")
          return versionPage(reply.code(400), params, request.user, {
            errors: fieldError(err.field, err.message),
            values: form.value,
          });
        if (err instanceof OpenDataInputError) throw new HttpError(409, err.message);
        throw err;
      }
      return reply.redirect(
        `/staff/open-data/${params.id}/resources/${params.rid}/versions/${params.vid}?done=withdrawn`,
        303,
      );
    },
  );

  app.post("/staff/open-data/:id/publish", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    try {
      await opendata.publish(request.audit, d.id);
    } catch (err) {
      if (err instanceof OpenDataInputError)
        return datasetPage(reply.code(409), d, { errors: fieldError("publish", err.message) });
      throw err;
    }
    return reply.redirect(`/staff/open-data/${d.id}?done=published`, 303);
  });

  app.post("/staff/open-data/:id/status", { config: edit }, async (request, reply) => {
    const d = await loadDataset((request.params as { id: string }).id);
    const status = String((request.body as { status?: string })?.status ?? "");
    if (!["draft", "private", "withdrawn"].includes(status))
      throw new HttpError(400, "Choose draft, private or withdrawn.");
    await opendata.setStatus(request.audit, d.id, status as "draft");
    return reply.redirect(`/staff/open-data/${d.id}?done=status`, 303);
  });

  app.get("/staff/open-data/transparency-code", { config: edit }, async (request, reply) => {
    const current = councilYear(new Date());
    const year = Number.parseInt((request.query as { year?: string }).year ?? "", 10);
    const chosen = Number.isFinite(year) && year > 2010 && year <= current + 1 ? year : current;
    const rows = await opendata.compliance(chosen);
    const counts: Record<string, number> = {};
    for (const r of rows) for (const p of r.periods) counts[p.status] = (counts[p.status] ?? 0) + 1;
    return reply.render("opendata/views/staff-compliance.njk", {
      pageTitle: "Transparency Code compliance",
      rows,
      year: chosen,
      years: [current - 2, current - 1, current].map((y) => ({
        value: String(y),
        text: `${y} to ${y + 1}`,
        selected: y === chosen,
      })),
      counts,
    });
  });
}
