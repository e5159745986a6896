import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { anyRole, signedIn } from "../../../platform/auth/policy.ts";
import type { Services } from "../../../platform/services.ts";
import { HttpError, requireUser } from "../../../platform/web/errors.ts";
import { readMultipart } from "../../../platform/web/uploads.ts";
import { ASSET_FIELDS } from "../asset-fields.ts";
import { RegisterConflictError } from "../errors.ts";
import { idParam, notFound } from "../page-helpers.ts";
import { readSpreadsheet, SpreadsheetError } from "./read.ts";
import {
  loadLookups,
  type Prepared,
  prepareImport,
  proposeMapping,
  registerCsv,
  registerXlsx,
} from "./register-sheet.ts";

const importers = anyRole("ig-officer", "dpo");
const PREVIEW_ROWS = 200;

export async function spreadsheetRoutes(app: FastifyInstance, services: Services) {
  app.get("/assets/export.xlsx", { config: { policy: signedIn } }, async (_request, reply) =>
    reply
      .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
      .header("content-disposition", 'attachment; filename="information-asset-register.xlsx"')
      .send(await registerXlsx(services)),
  );

  app.get("/assets/export.csv", { config: { policy: signedIn } }, async (_request, reply) =>
    reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", 'attachment; filename="information-asset-register.csv"')
      .send(await registerCsv(services)),
  );

  // 1. Upload ------------------------------------------------------------------------------------
  const uploadPage = (reply: FastifyReply, error?: string, status = 200) =>
    reply.code(status).render("assets/spreadsheet/views/upload.njk", {
      pageTitle: "Import an asset register",
      errors: error
        ? { list: [{ text: error, href: "#file" }], byField: { file: { text: error } } }
        : undefined,
    });

  app.get("/assets/import", { config: { policy: importers } }, (_request, reply) =>
    uploadPage(reply),
  );

  app.post("/assets/import", { config: { policy: importers } }, async (request, reply) => {
    const user = requireUser(request);
    let form: Awaited<ReturnType<typeof readMultipart>>;
    try {
      form = await readMultipart(request);
    } catch (err) {
      if (err instanceof HttpError) return uploadPage(reply, err.message, err.statusCode);
      throw err;
    }
    const file = form.files.find((f) => f.field === "file");
    if (!file) return uploadPage(reply, "Select a spreadsheet to import", 400);
    try {
      const read = await readSpreadsheet(file.data, file.filename);
      const draft = await services.assets.saveImportDraft(user.id, {
        filename: file.filename.slice(0, 200),
        headings: read.main.headings,
        rows: read.main.rows,
        risks: read.risks ? [read.risks.headings, ...read.risks.rows] : null,
        mapping: proposeMapping(read.main.headings),
      });
      return reply.redirect(`/assets/import/${draft}`, 303);
    } catch (err) {
      if (err instanceof SpreadsheetError) return uploadPage(reply, err.message, 400);
      throw err;
    }
  });

  async function loadDraft(request: FastifyRequest) {
    const user = requireUser(request);
    const draft = await services.assets.getImportDraft(idParam(request), user.id);
    if (!draft)
      throw notFound("import: it may have been applied already, or been started by someone else");
    return draft;
  }

  // 2. Mapping ------------------------------------------------------------------------------------
  const fieldItems = (selected: string) => [
    { value: "", text: "Do not import this column", selected: selected === "" },
    ...ASSET_FIELDS.map((f) => ({ value: f.name, text: f.label, selected: f.name === selected })),
  ];

  function renderMapping(
    reply: FastifyReply,
    draft: Awaited<ReturnType<typeof loadDraft>>,
    mapping: Record<string, string>,
    error?: string,
  ) {
    return reply.code(error ? 400 : 200).render("assets/spreadsheet/views/mapping.njk", {
      pageTitle: "Match the columns",
      draft,
      columns: draft.headings.map((h, i) => ({
        heading: h,
        id: `column-${i}`,
        example: draft.rows.find((r) => r[i])?.[i] ?? "",
        items: fieldItems(mapping[h] ?? ""),
      })),
      errors: error ? { list: [{ text: error, href: "#column-0" }], byField: {} } : undefined,
    });
  }

  app.get("/assets/import/:id", { config: { policy: importers } }, async (request, reply) => {
    const draft = await loadDraft(request);
    return renderMapping(reply, draft, draft.mapping ?? proposeMapping(draft.headings));
  });

  app.post("/assets/import/:id", { config: { policy: importers } }, async (request, reply) => {
    const draft = await loadDraft(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const mapping: Record<string, string> = {};
    const fieldNames = new Set(ASSET_FIELDS.map((f) => f.name));
    draft.headings.forEach((h, i) => {
      const v = body[`column-${i}`];
      mapping[h] = typeof v === "string" && fieldNames.has(v) ? v : "";
    });
    const chosen = Object.values(mapping).filter(Boolean);
    const twice = chosen.find((f, i) => chosen.indexOf(f) !== i);
    if (twice) {
      const label = ASSET_FIELDS.find((f) => f.name === twice)?.label;
      return renderMapping(
        reply,
        draft,
        mapping,
        `More than one column is matched to ${label}: choose one`,
      );
    }
    if (!chosen.includes("name"))
      return renderMapping(
        reply,
        draft,
        mapping,
        "Match a column to Asset name: every asset needs a name",
      );
    await services.assets.setImportMapping(draft.id, mapping);
    return reply.redirect(`/assets/import/${draft.id}/preview`, 303);
  });

  // 3. Preview and apply ---------------------------------------------------------------------------
  async function prepare(draft: Awaited<ReturnType<typeof loadDraft>>): Promise<Prepared> {
    const risks = draft.risks
      ? { headings: draft.risks[0], rows: draft.risks.slice(1) }
      : undefined;
    return prepareImport(
      { headings: draft.headings, rows: draft.rows },
      draft.mapping ?? proposeMapping(draft.headings),
      await loadLookups(services),
      risks,
    );
  }

  function renderPreview(
    reply: FastifyReply,
    draft: Awaited<ReturnType<typeof loadDraft>>,
    prepared: Prepared,
    status = 200,
    error?: string,
  ) {
    const withProblems = prepared.rows.filter((r) => r.problems.length);
    return reply.code(status).render("assets/spreadsheet/views/preview.njk", {
      pageTitle: "Check the import",
      draft,
      prepared,
      problemRows: withProblems.slice(0, PREVIEW_ROWS),
      problemRisks: prepared.risks.filter((r) => r.problems.length).slice(0, PREVIEW_ROWS),
      sample: prepared.rows.slice(0, 20),
      mapped: ASSET_FIELDS.filter((f) => Object.values(draft.mapping ?? {}).includes(f.name)).map(
        (f) => f.label,
      ),
      canApply: prepared.problemCount === 0,
      errors: error ? { list: [{ text: error, href: "#problems" }], byField: {} } : undefined,
    });
  }

  app.get(
    "/assets/import/:id/preview",
    { config: { policy: importers } },
    async (request, reply) => {
      const draft = await loadDraft(request);
      return renderPreview(reply, draft, await prepare(draft));
    },
  );

  app.post(
    "/assets/import/:id/apply",
    { config: { policy: importers } },
    async (request, reply) => {
      const draft = await loadDraft(request);
      const prepared = await prepare(draft);
      if (prepared.problemCount > 0)
        return renderPreview(
          reply,
          draft,
          prepared,
          400,
          "Correct the problems in the sheet, then upload it again",
        );
      try {
        const result = await services.assets.importAssets(
          request.audit,
          prepared.rows.map((r) => ({
            input: r.input as NonNullable<typeof r.input>,
            ownerPending: r.ownerPending,
            administratorPending: r.administratorPending,
          })),
          prepared.risks,
          { filename: draft.filename },
        );
        await services.assets.deleteImportDraft(draft.id);
        return reply.redirect(`/assets?imported=${result.created}&sort=updated&order=desc`, 303);
      } catch (err) {
        if (err instanceof RegisterConflictError)
          return renderPreview(reply, draft, prepared, 409, `Nothing was imported: ${err.message}`);
        throw err;
      }
    },
  );
}
