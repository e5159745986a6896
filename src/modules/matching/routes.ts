import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { anyRole, hasRole } from "../../platform/auth/policy.ts";
import { roleLabel } from "../../platform/auth/roles.ts";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { asArray, type FormErrors, fieldError, parseForm } from "../../platform/web/forms.ts";
import { readMultipart } from "../../platform/web/uploads.ts";
import { mAndU, precisionRecall, waterfall, weightHistogram } from "./charts.ts";
import {
  LAWFUL_BASES,
  MatchingInputError,
  MatchingNotReadyError,
  type Project,
  type ProjectInput,
  REVIEW_BAND,
  type Run,
  VIEWER_ROLES,
} from "./matching-service.ts";

/** Who may open the matching pages at all; results are further limited to each project's viewers. */
export const matchingTeam = anyRole("analyst", "dpo", "ig-officer");

const PAGE_SIZE = 50;

const text = (max: number) => z.string().trim().max(max, `Must be ${max} characters or fewer`);

const projectForm = z
  .object({
    name: text(200).min(1, "Enter a name for the project"),
    purpose: text(4000).optional().default(""),
    lawfulBasis: z
      .string()
      .optional()
      .default("")
      .refine((v) => v === "" || v in LAWFUL_BASES, "Select the lawful basis"),
    dpiaReference: text(200).optional().default(""),
    idColumn: text(200).optional().default(""),
    viewerRoles: z.preprocess(
      asArray,
      z.array(z.enum(VIEWER_ROLES, { message: "Select roles from the list" })),
    ),
    viewerEmails: text(4000).optional().default(""),
    "deleteResultsOn-day": z.string().trim().optional().default(""),
    "deleteResultsOn-month": z.string().trim().optional().default(""),
    "deleteResultsOn-year": z.string().trim().optional().default(""),
  })
  .transform((v, ctx) => {
    const d = v["deleteResultsOn-day"];
    const m = v["deleteResultsOn-month"];
    const y = v["deleteResultsOn-year"];
    let deleteResultsOn: string | null = null;
    if (d || m || y) {
      const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
      const ok =
        /^\d{1,2}$/.test(d) &&
        /^\d{1,2}$/.test(m) &&
        /^\d{4}$/.test(y) &&
        date.getUTCDate() === Number(d) &&
        date.getUTCMonth() === Number(m) - 1;
      if (!ok) {
        ctx.addIssue({
          code: "custom",
          path: ["deleteResultsOn"],
          message: "The deletion date must be a real date, like 31 3 2027",
        });
        return z.NEVER;
      }
      deleteResultsOn = date.toISOString().slice(0, 10);
    }
    return { ...v, deleteResultsOn };
  });

const startRunForm = z.object({ useLabels: z.string().optional() });
const revealForm = z.object({
  reason: text(1000).min(1, "Enter why you need to see who these people are"),
});
const reviewForm = z.object({
  decision: z.enum(["match", "not-a-match"], { message: "Select whether this pair is a match" }),
  note: text(1000).optional(),
});

const lawfulBasisItems = Object.entries(LAWFUL_BASES).map(([value, label]) => ({
  value,
  text: label,
}));

export async function matchingRoutes(app: FastifyInstance, services: Services) {
  const { matching, users, jobs } = services;
  const config = { policy: matchingTeam };

  const requireAnalyst = (request: FastifyRequest) => {
    if (!hasRole(request.user, "analyst"))
      throw new HttpError(403, "Only analysts can create and run matching projects.");
  };

  async function loadProject(id: string): Promise<Project> {
    const project = await matching.project(id);
    if (!project) throw new HttpError(404, "No such matching project.");
    return project;
  }

  async function loadRun(project: Project, runId: string): Promise<Run> {
    const run = await matching.run(project.id, runId);
    if (!run) throw new HttpError(404, "No such run.");
    return run;
  }

  function requireViewer(request: FastifyRequest, project: Project) {
    if (!matching.canSeeResults(request.user, project))
      throw new HttpError(
        403,
        "Only the people this project names as viewers, and the Data Protection Officer, can see its results.",
      );
  }

  async function resultsRun(request: FastifyRequest) {
    const { id, runId } = request.params as { id: string; runId: string };
    const project = await loadProject(id);
    requireViewer(request, project);
    const run = await loadRun(project, runId);
    if (run.status !== "done" || !run.resultsDir)
      throw new HttpError(404, "This run has no results to show.");
    return { project, run };
  }

  const viewerEmails = async (project: Project) => {
    const out: string[] = [];
    for (const id of project.viewerUserIds) {
      const u = await users.get(id);
      if (u) out.push(u.email);
    }
    return out;
  };

  const formValues = async (project: Project) => {
    const [y, m, d] = (project.deleteResultsOn ?? "").split("-");
    return {
      name: project.name,
      purpose: project.purpose,
      lawfulBasis: project.lawfulBasis,
      dpiaReference: project.dpiaReference,
      idColumn: project.idColumn,
      viewerRoles: project.viewerRoles,
      viewerEmails: (await viewerEmails(project)).join("\n"),
      "deleteResultsOn-day": d ? String(Number(d)) : "",
      "deleteResultsOn-month": m ? String(Number(m)) : "",
      "deleteResultsOn-year": y ?? "",
    };
  };

  const renderForm = (
    reply: FastifyReply,
    project: Project | undefined,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) =>
    reply.code(errors ? 400 : 200).render("matching/views/form.njk", {
      pageTitle: project ? `Edit ${project.name}` : "Create a matching project",
      project,
      values: { ...values, viewerRoles: asArray(values.viewerRoles) },
      errors,
      lawfulBasisItems,
      viewerRoleItems: VIEWER_ROLES.map((r) => ({ value: r, text: roleLabel(r) })),
    });

  /** Parses the project form and resolves viewers' email addresses to accounts. */
  async function readProjectForm(
    body: unknown,
  ): Promise<
    | { ok: true; value: ProjectInput }
    | { ok: false; errors: FormErrors; values: Record<string, unknown> }
  > {
    const form = parseForm(projectForm, body);
    if (!form.ok) return form;
    const ids: string[] = [];
    const emails = form.value.viewerEmails
      .split(/[\s,;]+/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    for (const email of emails) {
      const u = await users.findByEmail(email);
      if (!u)
        return {
          ok: false,
          errors: fieldError("viewerEmails", `There is no account with the email address ${email}`),
          values: form.value,
        };
      if (!ids.includes(u.id)) ids.push(u.id);
    }
    return {
      ok: true,
      value: {
        name: form.value.name,
        purpose: form.value.purpose,
        lawfulBasis: form.value.lawfulBasis,
        dpiaReference: form.value.dpiaReference,
        idColumn: form.value.idColumn,
        viewerRoles: form.value.viewerRoles,
        viewerUserIds: ids,
        deleteResultsOn: form.value.deleteResultsOn,
      },
    };
  }

  app.get("/matching", { config }, async (request, reply) => {
    const projects = await matching.projects();
    return reply.render("matching/views/list.njk", {
      pageTitle: "Matching projects",
      projects,
      canCreate: hasRole(request.user, "analyst"),
    });
  });

  app.get("/matching/new", { config }, async (request, reply) => {
    requireAnalyst(request);
    return renderForm(reply, undefined, { viewerRoles: [] });
  });

  app.post("/matching", { config }, async (request, reply) => {
    requireAnalyst(request);
    const form = await readProjectForm(request.body);
    if (!form.ok) return renderForm(reply, undefined, form.values, form.errors);
    try {
      const project = await matching.createProject(request.audit, form.value);
      return reply.redirect(`/matching/${project.id}?done=created`, 303);
    } catch (err) {
      if (err instanceof MatchingInputError)
        return renderForm(reply, undefined, { ...form.value }, fieldError(err.field, err.message));
      throw err;
    }
  });

  const projectPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    project: Project,
    extra: { errors?: FormErrors; flash?: string; status?: number } = {},
  ) => {
    const [datasets, runs] = await Promise.all([
      matching.datasets(project.id),
      matching.runs(project.id),
    ]);
    const reviews = project.status === "active" ? await matching.reviews(project.id) : [];
    return reply.code(extra.status ?? 200).render("matching/views/project.njk", {
      pageTitle: project.name,
      project,
      lawfulBasisLabel:
        LAWFUL_BASES[project.lawfulBasis as keyof typeof LAWFUL_BASES] ?? "Not recorded",
      viewerRoleLabels: project.viewerRoles.map(roleLabel),
      viewerEmails: await viewerEmails(project),
      datasets: datasets.filter((d) => !d.deletedAt),
      runs,
      problems: await matching.readinessToRun(project, datasets),
      reviewCount: reviews.length,
      canEdit: hasRole(request.user, "analyst") && project.status === "active",
      canSee: matching.canSeeResults(request.user, project),
      errors: extra.errors,
      flash: extra.flash,
      values: {},
    });
  };

  const flashes: Record<string, string> = {
    created: "Project created",
    saved: "Changes saved",
    uploaded: "Dataset uploaded",
    removed: "Dataset removed",
  };

  app.get("/matching/:id", { config }, async (request, reply) => {
    const project = await loadProject((request.params as { id: string }).id);
    const done = (request.query as { done?: string }).done;
    return projectPage(request, reply, project, { flash: done ? flashes[done] : undefined });
  });

  app.get("/matching/:id/edit", { config }, async (request, reply) => {
    requireAnalyst(request);
    const project = await loadProject((request.params as { id: string }).id);
    return renderForm(reply, project, await formValues(project));
  });

  app.post("/matching/:id", { config }, async (request, reply) => {
    requireAnalyst(request);
    const project = await loadProject((request.params as { id: string }).id);
    const form = await readProjectForm(request.body);
    if (!form.ok) return renderForm(reply, project, form.values, form.errors);
    try {
      await matching.updateProject(request.audit, project.id, form.value);
    } catch (err) {
      if (err instanceof MatchingInputError)
        return renderForm(reply, project, { ...form.value }, fieldError(err.field, err.message));
      throw err;
    }
    return reply.redirect(`/matching/${project.id}?done=saved`, 303);
  });

  app.post("/matching/:id/datasets", { config }, async (request, reply) => {
    requireAnalyst(request);
    const project = await loadProject((request.params as { id: string }).id);
    const form = await readMultipart(request);
    const file = form.files.find((f) => f.field === "file");
    if (!file)
      return projectPage(request, reply, project, {
        errors: fieldError("file", "Select a CSV or Parquet file to upload"),
        status: 400,
      });
    try {
      await matching.addDataset(request.audit, project.id, {
        fileName: file.filename,
        data: file.data,
        name: typeof form.fields.name === "string" ? form.fields.name : undefined,
      });
    } catch (err) {
      if (err instanceof MatchingInputError)
        return projectPage(request, reply, project, {
          errors: fieldError("file", err.message),
          status: 400,
        });
      throw err;
    }
    return reply.redirect(`/matching/${project.id}?done=uploaded`, 303);
  });

  app.post("/matching/:id/datasets/:datasetId/remove", { config }, async (request, reply) => {
    requireAnalyst(request);
    const { id, datasetId } = request.params as { id: string; datasetId: string };
    const project = await loadProject(id);
    try {
      await matching.removeDataset(request.audit, project.id, datasetId);
    } catch (err) {
      if (err instanceof MatchingInputError) throw new HttpError(404, err.message);
      throw err;
    }
    return reply.redirect(`/matching/${project.id}?done=removed`, 303);
  });

  app.post("/matching/:id/runs", { config }, async (request, reply) => {
    requireAnalyst(request);
    const project = await loadProject((request.params as { id: string }).id);
    const form = parseForm(startRunForm, request.body);
    const useLabels = form.ok && form.value.useLabels === "yes";
    try {
      const run = await matching.startRun(request.audit, project.id, { useLabels });
      return reply.redirect(`/matching/${project.id}/runs/${run.id}`, 303);
    } catch (err) {
      if (err instanceof MatchingNotReadyError)
        return projectPage(request, reply, project, {
          errors: {
            list: err.problems.map((p) => ({ text: p.text, href: "#readiness" })),
            byField: {},
          },
          status: 400,
        });
      if (err instanceof MatchingInputError)
        return projectPage(request, reply, project, {
          errors: fieldError("readiness", err.message),
          status: 400,
        });
      throw err;
    }
  });

  app.get("/matching/:id/runs/:runId", { config }, async (request, reply) => {
    const { id, runId } = request.params as { id: string; runId: string };
    const project = await loadProject(id);
    const run = await loadRun(project, runId);
    const job = run.jobId ? await jobs.status(run.jobId) : undefined;
    return reply.render("matching/views/run.njk", {
      pageTitle: `Run of ${project.name}`,
      project,
      run,
      job,
      canSee: matching.canSeeResults(request.user, project),
      finished: run.status === "done" || run.status === "failed" || run.status === "deleted",
    });
  });

  app.get("/matching/:id/runs/:runId/results", { config }, async (request, reply) => {
    const { project, run } = await resultsRun(request);
    const page = pageNumber(request);
    const { pairs, total } = await matching.pairs(request.audit, project, run, {
      min: 0.5,
      max: 1,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
      purpose: "results",
    });
    const [bins, params, evaluation] = await Promise.all([
      matching.weightDistribution(run),
      matching.parameters(run),
      matching.evaluation(project, run),
    ]);
    const base = `/matching/${project.id}/runs/${run.id}/results`;
    return reply.render("matching/views/results.njk", {
      pageTitle: `Results of ${project.name}`,
      project,
      run,
      pairs,
      total,
      page,
      previous: page > 1 ? `${base}?page=${page - 1}` : undefined,
      next: page * PAGE_SIZE < total ? `${base}?page=${page + 1}` : undefined,
      charts: [weightHistogram(bins), mAndU(params)],
      evaluation,
      prChart: evaluation ? precisionRecall(evaluation.curve) : undefined,
    });
  });

  app.get("/matching/:id/runs/:runId/review", { config }, async (request, reply) => {
    const { project, run } = await resultsRun(request);
    const page = pageNumber(request);
    const { pairs, total } = await matching.pairs(request.audit, project, run, {
      min: REVIEW_BAND.min,
      max: REVIEW_BAND.max,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
      purpose: "clerical review queue",
    });
    const base = `/matching/${project.id}/runs/${run.id}/review`;
    return reply.render("matching/views/review.njk", {
      pageTitle: `Clerical review: ${project.name}`,
      project,
      run,
      pairs,
      total,
      band: REVIEW_BAND,
      reviewed: pairs.filter((p) => p.decision).length,
      page,
      previous: page > 1 ? `${base}?page=${page - 1}` : undefined,
      next: page * PAGE_SIZE < total ? `${base}?page=${page + 1}` : undefined,
    });
  });

  const pairPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reveal?: { reason: string },
    extra: { errors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {},
  ) => {
    const { project, run } = await resultsRun(request);
    const { pairKey } = request.params as { pairKey: string };
    const found = await matching.pair(request.audit, project, run, pairKey, reveal);
    if (!found) throw new HttpError(404, "No such pair in this run.");
    return reply.code(extra.errors ? 400 : 200).render("matching/views/pair.njk", {
      pageTitle: `Pair ${found.pair.leftPseudonym} and ${found.pair.rightPseudonym}`,
      project,
      run,
      pair: found.pair,
      explanation: found.explanation,
      revealed: found.revealed,
      chart: waterfall(found.explanation.steps),
      errors: extra.errors,
      values: extra.values ?? { decision: found.pair.decision },
      flash: extra.flash,
      pairUrl: `/matching/${project.id}/runs/${run.id}/pairs/${pairKey}`,
    });
  };

  app.get("/matching/:id/runs/:runId/pairs/:pairKey", { config }, async (request, reply) => {
    const done = (request.query as { done?: string }).done;
    return pairPage(request, reply, undefined, {
      flash: done === "reviewed" ? "Decision recorded" : undefined,
    });
  });

  app.post(
    "/matching/:id/runs/:runId/pairs/:pairKey/reveal",
    { config },
    async (request, reply) => {
      const form = parseForm(revealForm, request.body);
      if (!form.ok) return pairPage(request, reply, undefined, form);
      return pairPage(request, reply, { reason: form.value.reason });
    },
  );

  app.post(
    "/matching/:id/runs/:runId/pairs/:pairKey/review",
    { config },
    async (request, reply) => {
      const form = parseForm(reviewForm, request.body);
      if (!form.ok) return pairPage(request, reply, undefined, form);
      const { project, run } = await resultsRun(request);
      const { pairKey } = request.params as { pairKey: string };
      const pair = await matching.review(
        request.audit,
        project,
        run,
        pairKey,
        form.value.decision,
        form.value.note || null,
      );
      if (!pair) throw new HttpError(404, "No such pair in this run.");
      return reply.redirect(
        `/matching/${project.id}/runs/${run.id}/pairs/${pairKey}?done=reviewed`,
        303,
      );
    },
  );
}

function pageNumber(request: FastifyRequest): number {
  const raw = (request.query as { page?: string }).page ?? "1";
  return Math.max(1, Math.min(Number.parseInt(raw, 10) || 1, 100_000));
}
