import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../../../platform/services.ts";
import { HttpError } from "../../../platform/web/errors.ts";
import { asArray, parseForm } from "../../../platform/web/forms.ts";
import { today } from "../dates.ts";
import { toCsv } from "../spreadsheet.ts";
import {
  attempt,
  canManage,
  choices,
  idOf,
  managePolicy,
  sendDownload,
  viewPolicy,
} from "../web.ts";
import {
  ART28_TERMS,
  ASSESSMENT_OCCASIONS,
  ASSESSMENT_OUTCOMES,
  ASSURANCE_SCHEMES,
  assessmentInput,
  assuranceInput,
  type Processor,
  processorInput,
} from "./processors-service.ts";

const V = "obligations/processors/views";

export async function processorsRoutes(app: FastifyInstance, services: Services) {
  const processors = services.processors;
  const thirdPartyAssets = async () =>
    (await services.assets.list({ thirdPartyHosted: true, pageSize: 500 })).items.map((a) => ({
      id: a.id,
      reference: a.reference,
      name: a.name,
      hostedBy: a.hostedBy,
    }));

  app.get("/obligations/processors", { config: { policy: viewPolicy } }, async (request, reply) => {
    const [list, gaps] = await Promise.all([
      processors.list(),
      processors.gaps(await thirdPartyAssets()),
    ]);
    return reply.render(`${V}/list.njk`, {
      pageTitle: "Processors and contracts",
      processors: list,
      gaps,
      termLabels: ART28_TERMS,
      canManage: canManage(request),
    });
  });

  app.get("/obligations/processors.csv", { config: { policy: viewPolicy } }, async (_r, reply) => {
    const rows = (await processors.list()).map((p) => [
      p.name,
      p.contractReference,
      p.services,
      p.personalData,
      p.dataLocation,
      p.internationalTransfers,
      p.missingTerms.length ? `Missing: ${p.missingTerms.join(", ")}` : "All present",
      p.assurances.map((a) => `${a.schemeLabel} (expires ${a.expiresOn})`).join("; "),
      p.contractStart,
      p.contractEnd,
      p.contractReview,
      p.nextAssessment,
      p.ownerName,
    ]);
    return sendDownload(
      reply,
      `processors-${today()}.csv`,
      "csv",
      toCsv(
        [
          "Supplier",
          "Contract",
          "Services",
          "Personal data",
          "Where held",
          "International transfers",
          "Art. 28 terms",
          "Assurance",
          "Start",
          "End",
          "Review",
          "Next assessment",
          "Owner",
        ],
        rows,
      ),
    );
  });

  const formPage = async (values: Record<string, unknown>, extra: Record<string, unknown>) => {
    const terms = asArray(values.art28Terms);
    const assetIds = asArray(values.assetIds);
    const assets = await services.assets.list({
      holdsPersonalData: true,
      pageSize: 500,
      sort: "name",
    });
    return {
      termItems: Object.entries(ART28_TERMS).map(([value, text]) => ({
        value,
        text,
        checked: terms.includes(value),
      })),
      assetItems: assets.items.map((a) => ({
        value: a.id,
        text: `${a.reference} ${a.name}`,
        checked: assetIds.includes(a.id),
      })),
      ownerItems: choices(
        (await services.users.list())
          .filter((u) => !u.disabled)
          .map((u) => [u.id, u.displayName] as [string, string]),
        values.ownerId,
        "No one named",
      ),
      values,
      ...extra,
    };
  };
  const save = async (request: FastifyRequest, reply: FastifyReply, id?: string) => {
    const action = id ? `/obligations/processors/${id}/edit` : "/obligations/processors";
    const pageTitle = id ? "Change a processor" : "Add a processor";
    const form = parseForm(processorInput, request.body);
    if (!form.ok)
      return reply
        .code(400)
        .render(
          `${V}/form.njk`,
          await formPage(form.values, { pageTitle, action, errors: form.errors }),
        );
    const saved = await attempt(() => processors.save(request.audit, form.value, id));
    if (!saved.ok)
      return reply
        .code(400)
        .render(
          `${V}/form.njk`,
          await formPage(form.value, { pageTitle, action, errors: saved.errors }),
        );
    return reply.redirect(`/obligations/processors/${saved.value}?done=saved`, 303);
  };

  app.get("/obligations/processors/new", { config: { policy: managePolicy } }, async (_r, reply) =>
    reply.render(
      `${V}/form.njk`,
      await formPage({}, { pageTitle: "Add a processor", action: "/obligations/processors" }),
    ),
  );
  app.post("/obligations/processors", { config: { policy: managePolicy } }, (request, reply) =>
    save(request, reply),
  );

  async function load(request: FastifyRequest): Promise<Processor> {
    const p = await processors.get(idOf(request));
    if (!p) throw new HttpError(404, "That supplier is not in the register.");
    return p;
  }
  /**
   * The asset register's data flows the contract covers today (through services.flows), and those
   * linked to it that it does not cover (it has ended, or they need no contract).
   */
  async function flowsOf(p: Processor) {
    const candidates = await services.flows.forAgreement({
      flowIds: p.flowIds,
      partnerNames: [p.name],
    });
    const covers = (f: (typeof candidates)[number]) =>
      !!f.coverage?.covering.some((c) => c.kind === "contract" && c.id === p.id);
    return {
      coveredFlows: candidates.filter(covers),
      linkedNotCovered: candidates.filter((f) => !covers(f) && p.flowIds.includes(f.id)),
    };
  }

  const detailPage = async (
    request: FastifyRequest,
    p: Processor,
    extra: Record<string, unknown> = {},
  ) => {
    const values = (extra.values ?? {}) as Record<string, unknown>;
    return {
      pageTitle: p.name,
      p,
      ...(await flowsOf(p)),
      assets: await services.assets.getMany(p.assetIds),
      termLabels: ART28_TERMS,
      canManage: canManage(request),
      schemeItems: choices(ASSURANCE_SCHEMES, values.scheme),
      occasionItems: choices(ASSESSMENT_OCCASIONS, values.occasion),
      outcomeItems: choices(ASSESSMENT_OUTCOMES, values.outcome),
      values,
      ...extra,
    };
  };
  app.get(
    "/obligations/processors/:id",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const p = await load(request);
      const done = (request.query as { done?: string }).done;
      const flashes: Record<string, string> = {
        saved: "Processor saved",
        assurance: "Assurance recorded",
        assessment: "Assessment recorded",
      };
      return reply.render(`${V}/processor.njk`, {
        ...(await detailPage(request, p)),
        flash: done ? flashes[done] : undefined,
      });
    },
  );
  app.get(
    "/obligations/processors/:id/edit",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const p = await load(request);
      return reply.render(
        `${V}/form.njk`,
        await formPage(
          { ...p },
          { pageTitle: `Change ${p.name}`, action: `/obligations/processors/${p.id}/edit` },
        ),
      );
    },
  );
  app.post(
    "/obligations/processors/:id/edit",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const p = await load(request);
      return save(request, reply, p.id);
    },
  );
  app.post(
    "/obligations/processors/:id/assurances",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const p = await load(request);
      const form = parseForm(assuranceInput, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            `${V}/processor.njk`,
            await detailPage(request, p, { errors: form.errors, values: form.values }),
          );
      await attempt(() => processors.addAssurance(request.audit, p.id, form.value));
      return reply.redirect(`/obligations/processors/${p.id}?done=assurance`, 303);
    },
  );
  app.post(
    "/obligations/processors/:id/assessments",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const p = await load(request);
      const form = parseForm(assessmentInput, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(
            `${V}/processor.njk`,
            await detailPage(request, p, { errors: form.errors, values: form.values }),
          );
      await attempt(() => processors.addAssessment(request.audit, p.id, form.value));
      return reply.redirect(`/obligations/processors/${p.id}?done=assessment`, 303);
    },
  );
}
