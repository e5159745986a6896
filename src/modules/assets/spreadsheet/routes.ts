import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { anyRole, signedIn } from "../../../platform/auth/policy.ts";
import { UUID } from "../../../platform/db/ids.ts";
import type { Services } from "../../../platform/services.ts";
import { HttpError, requireUser } from "../../../platform/web/errors.ts";
import { readMultipart } from "../../../platform/web/uploads.ts";
import { RegisterConflictError, RegisterInputError } from "../errors.ts";
import { idParam, notFound } from "../page-helpers.ts";
import { type DraftDetails, detailsOf, draftTable, where } from "./draft.ts";
import { IMPORT_TARGETS, TARGET_NAMES } from "./headings.ts";
import { readSpreadsheet, SpreadsheetError } from "./read.ts";
import {
  applyImport,
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
        details: detailsOf(read),
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
  type Draft = Awaited<ReturnType<typeof loadDraft>>;
  const detailsOfDraft = (draft: Draft) => (draft.details ?? null) as DraftDetails | null;

  const fieldItems = (selected: string) => [
    { value: "", text: "Do not import this column", selected: selected === "" },
    ...IMPORT_TARGETS.map((f) => ({ value: f.name, text: f.label, selected: f.name === selected })),
  ];

  function renderMapping(
    reply: FastifyReply,
    draft: Draft,
    mapping: Record<string, string>,
    error?: { text: string; href: string },
  ) {
    const details = detailsOfDraft(draft);
    const letters = details?.columns;
    return reply.code(error ? 400 : 200).render("assets/spreadsheet/views/mapping.njk", {
      pageTitle: "Match the columns",
      draft,
      details,
      sheetItems: details?.sheets?.map((s) => ({
        value: s.sheet,
        text: `${s.sheet} (${s.rows.length} row${s.rows.length === 1 ? "" : "s"})`,
        selected: s.sheet === details.sheet,
      })),
      columns: draft.headings.map((h, i) => ({
        heading: h,
        letter: letters?.[i],
        id: `column-${i}`,
        example: draft.rows.find((r) => r[i])?.[i] ?? "",
        items: fieldItems(mapping[h] ?? ""),
      })),
      errors: error
        ? {
            list: [error],
            byField: error.href === "#sheet" ? { sheet: { text: error.text } } : {},
          }
        : undefined,
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
    draft.headings.forEach((h, i) => {
      const v = body[`column-${i}`];
      mapping[h] = typeof v === "string" && TARGET_NAMES.has(v) ? v : "";
    });
    const chosen = Object.values(mapping).filter(Boolean);
    const twice = chosen.find((f, i) => chosen.indexOf(f) !== i);
    if (twice) {
      const label = IMPORT_TARGETS.find((f) => f.name === twice)?.label;
      const at = Object.values(mapping).lastIndexOf(twice);
      return renderMapping(reply, draft, mapping, {
        text: `More than one column is matched to ${label}: choose one`,
        href: `#column-${at}`,
      });
    }
    if (!chosen.includes("name"))
      return renderMapping(reply, draft, mapping, {
        text: "Match a column to Asset name: every asset needs a name",
        href: "#column-0",
      });
    await services.assets.setImportMapping(draft.id, mapping);
    return reply.redirect(`/assets/import/${draft.id}/preview`, 303);
  });

  // The register is on another sheet of the workbook than the one Steward chose.
  app.post(
    "/assets/import/:id/sheet",
    { config: { policy: importers } },
    async (request, reply) => {
      const draft = await loadDraft(request);
      const details = detailsOfDraft(draft);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const sheet = details?.sheets?.find((s) => s.sheet === body.sheet);
      if (!details || !sheet)
        return renderMapping(reply, draft, draft.mapping ?? proposeMapping(draft.headings), {
          text: "Select a sheet of the workbook",
          href: "#sheet",
        });
      await services.assets.updateImportDraft(draft.id, {
        headings: sheet.headings,
        rows: sheet.rows,
        mapping: proposeMapping(sheet.headings),
        details: { ...where(sheet), sheets: details.sheets } satisfies DraftDetails,
      });
      return reply.redirect(`/assets/import/${draft.id}`, 303);
    },
  );

  // 3. Preview and apply ---------------------------------------------------------------------------
  async function prepare(draft: Draft): Promise<Prepared> {
    const risks = draft.risks
      ? { headings: draft.risks[0], rows: draft.risks.slice(1) }
      : undefined;
    return prepareImport(
      draftTable(draft),
      draft.mapping ?? proposeMapping(draft.headings),
      await loadLookups(services),
      risks,
      { serviceAreas: detailsOfDraft(draft)?.serviceAreas },
    );
  }

  async function renderPreview(
    reply: FastifyReply,
    draft: Draft,
    prepared: Prepared,
    status = 200,
    error?: string,
  ) {
    const withProblems = prepared.rows.filter((r) => r.problems.length);
    const areas = await services.organisation.serviceAreas();
    return reply.code(status).render("assets/spreadsheet/views/preview.njk", {
      pageTitle: "Check the import",
      draft,
      details: detailsOfDraft(draft),
      prepared,
      problemRows: withProblems.slice(0, PREVIEW_ROWS),
      problemRisks: prepared.risks.filter((r) => r.problems.length).slice(0, PREVIEW_ROWS),
      changedRows: prepared.rows.filter((r) => r.action === "update").slice(0, PREVIEW_ROWS),
      sample: prepared.rows.filter((r) => r.action === "create").slice(0, 20),
      newRisks: prepared.risks.filter((r) => !r.existing).length,
      areaChoices: prepared.unknownServiceAreas.map((a, i) => ({
        id: `area-${i}`,
        name: a.name,
        rows: a.rows,
        items: [
          {
            value: "create",
            text: `Add “${a.name}” as a new service area`,
            selected: a.choice === "create",
          },
          { value: "blank", text: "Leave the service area blank", selected: a.choice === "blank" },
          ...areas.map((x) => ({
            value: x.id,
            text: `Use ${x.name}`,
            selected: a.choice === x.id,
          })),
        ],
      })),
      mapped: IMPORT_TARGETS.filter((f) => Object.values(draft.mapping ?? {}).includes(f.name)).map(
        (f) => f.label,
      ),
      canApply: prepared.problemCount === 0 && prepared.created + prepared.updated > 0,
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

  // What to do with the service areas the council does not have.
  app.post(
    "/assets/import/:id/service-areas",
    { config: { policy: importers } },
    async (request, reply) => {
      const draft = await loadDraft(request);
      const prepared = await prepare(draft);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const known = new Set((await services.organisation.serviceAreas()).map((a) => a.id));
      const choices: Record<string, string> = {};
      prepared.unknownServiceAreas.forEach((a, i) => {
        const v = body[`area-${i}`];
        choices[a.name] =
          typeof v === "string" &&
          (v === "create" || v === "blank" || (UUID.test(v) && known.has(v)))
            ? v
            : a.choice;
      });
      const details = detailsOfDraft(draft);
      await services.assets.updateImportDraft(draft.id, {
        details: { ...(details ?? {}), serviceAreas: choices },
      });
      return reply.redirect(`/assets/import/${draft.id}/preview`, 303);
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
        const result = await applyImport(services, request.audit, prepared, {
          filename: draft.filename,
        });
        await services.assets.deleteImportDraft(draft.id);
        return reply.redirect(
          `/assets?imported=${result.created}&updated=${result.updated}&sort=updated&order=desc`,
          303,
        );
      } catch (err) {
        if (err instanceof RegisterConflictError || err instanceof RegisterInputError)
          return renderPreview(reply, draft, prepared, 409, `Nothing was imported: ${err.message}`);
        throw err;
      }
    },
  );
}
