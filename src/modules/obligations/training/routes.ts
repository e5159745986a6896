import type { FastifyInstance } from "fastify";
import type { Services } from "../../../platform/services.ts";
import { HttpError } from "../../../platform/web/errors.ts";
import { parseForm } from "../../../platform/web/forms.ts";
import { today } from "../dates.ts";
import { deleteDraft, loadDraft, saveDraft } from "../drafts.ts";
import { toCsv } from "../spreadsheet.ts";
import {
  attempt,
  canManage,
  choices,
  idOf,
  managePolicy,
  sendDownload,
  uploadedSheet,
  viewPolicy,
} from "../web.ts";
import {
  AUDIENCES,
  completionInput,
  courseInput,
  type TrainingService,
} from "./training-service.ts";

const V = "obligations/training/views";
type Preview = Awaited<ReturnType<TrainingService["previewImport"]>>;

export async function trainingRoutes(app: FastifyInstance, services: Services) {
  const training = services.training;

  app.get("/obligations/training", { config: { policy: viewPolicy } }, async (request, reply) => {
    const [compliance, courses] = await Promise.all([training.compliance(), training.courses()]);
    const done = (request.query as { done?: string }).done;
    const flashes: Record<string, string> = {
      course: "Course added",
      completion: "Completion recorded",
      imported: "Completions imported",
    };
    return reply.render(`${V}/training.njk`, {
      pageTitle: "Training",
      compliance,
      courses,
      canManage: canManage(request),
      flash: done ? flashes[done] : undefined,
    });
  });

  app.get(
    "/obligations/training/overdue.csv",
    { config: { policy: viewPolicy } },
    async (_r, reply) => {
      const { overdue } = await training.compliance();
      return sendDownload(
        reply,
        `training-overdue-${today()}.csv`,
        "csv",
        toCsv(
          [
            "Person number",
            "Name",
            "Staff or councillor",
            "Service area",
            "Course",
            "Last completed",
            "Was due",
          ],
          overdue.map((s) => [
            s.person.personNumber,
            s.person.name,
            s.person.kind,
            s.person.serviceAreaName,
            s.course.title,
            s.lastCompleted,
            s.dueOn,
          ]),
        ),
      );
    },
  );

  const coursePage = (values: Record<string, unknown>, errors?: unknown) => ({
    pageTitle: "Add a course",
    audienceItems: Object.entries(AUDIENCES).map(([value, text]) => ({
      value,
      text,
      checked: values.audience === value,
    })),
    values,
    errors,
  });
  app.get("/obligations/training/courses/new", { config: { policy: managePolicy } }, (_r, reply) =>
    reply.render(`${V}/course-form.njk`, coursePage({})),
  );
  app.post(
    "/obligations/training/courses",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(courseInput, request.body);
      if (!form.ok)
        return reply.code(400).render(`${V}/course-form.njk`, coursePage(form.values, form.errors));
      const saved = await attempt(() => training.addCourse(request.audit, form.value));
      if (!saved.ok)
        return reply
          .code(400)
          .render(
            `${V}/course-form.njk`,
            coursePage({ ...form.value, jobRoles: form.value.jobRoles.join(", ") }, saved.errors),
          );
      return reply.redirect("/obligations/training?done=course", 303);
    },
  );

  const completionPage = async (values: Record<string, unknown>, errors?: unknown) => ({
    pageTitle: "Record a completion",
    personItems: choices(
      (await training.people()).map(
        (p) => [p.id, `${p.name} (${p.personNumber})`] as [string, string],
      ),
      values.personId,
    ),
    courseItems: choices(
      (await training.courses()).map((c) => [c.id, c.title] as [string, string]),
      values.courseId,
    ),
    values,
    errors,
  });
  app.get(
    "/obligations/training/completions/new",
    { config: { policy: managePolicy } },
    async (_r, reply) =>
      reply.render(`${V}/completion-form.njk`, await completionPage({ completedOn: today() })),
  );
  app.post(
    "/obligations/training/completions",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(completionInput, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(`${V}/completion-form.njk`, await completionPage(form.values, form.errors));
      const saved = await attempt(() => training.recordCompletion(request.audit, form.value));
      if (!saved.ok)
        return reply
          .code(400)
          .render(`${V}/completion-form.njk`, await completionPage(form.value, saved.errors));
      return reply.redirect("/obligations/training?done=completion", 303);
    },
  );

  app.get("/obligations/training/import", { config: { policy: managePolicy } }, (_r, reply) =>
    reply.render(`${V}/import.njk`, { pageTitle: "Import completions from a learning system" }),
  );
  app.post(
    "/obligations/training/import",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const upload = await uploadedSheet(request);
      if (!upload.ok)
        return reply.code(400).render(`${V}/import.njk`, {
          pageTitle: "Import completions from a learning system",
          errors: upload.errors,
        });
      const preview = await training.previewImport(upload.sheet);
      const draft = await saveDraft(services.db, {
        userId: (request.user as { id: string }).id,
        kind: "training-completions",
        filename: upload.file.filename,
        rows: preview.rows,
        problems: preview.problems,
      });
      return reply.code(preview.problems.length ? 400 : 200).render(`${V}/import-preview.njk`, {
        pageTitle: preview.problems.length ? "The file has problems" : "Check the import",
        draft,
        newPeople: new Set(preview.rows.filter((r) => r.newPerson).map((r) => r.personNumber)).size,
        errors: preview.problems.length
          ? {
              list: preview.problems.slice(0, 20).map((text) => ({ text, href: "#problems" })),
              byField: {},
            }
          : undefined,
      });
    },
  );
  app.post(
    "/obligations/training/import/:id",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const draft = await loadDraft<Preview["rows"][number]>(
        services.db,
        idOf(request),
        (request.user as { id: string }).id,
        "training-completions",
      );
      if (!draft) throw new HttpError(409, "That import has expired. Upload the file again.");
      const done = await attempt(() =>
        training.applyImport(request.audit, draft.filename, {
          rows: draft.rows,
          problems: draft.problems,
        }),
      );
      if (!done.ok) throw new HttpError(400, "The import failed.");
      await deleteDraft(services.db, draft.id);
      return reply.redirect("/obligations/training?done=imported", 303);
    },
  );
}
