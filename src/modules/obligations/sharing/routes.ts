import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../../../platform/services.ts";
import { HttpError } from "../../../platform/web/errors.ts";
import { asArray, parseForm } from "../../../platform/web/forms.ts";
import { readMultipart } from "../../../platform/web/uploads.ts";
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
  AGREEMENT_STATUSES,
  type Agreement,
  agreementInput,
  LAWFUL_BASES,
  PARTNER_KINDS,
  partnerInput,
  STATE_LABELS,
} from "./sharing-service.ts";

const V = "obligations/sharing/views";

export async function sharingRoutes(app: FastifyInstance, services: Services) {
  const sharing = services.sharing;

  app.get("/obligations/sharing", { config: { policy: viewPolicy } }, async (request, reply) => {
    const query = request.query as { state?: string; done?: string };
    const state = query.state && query.state in STATE_LABELS ? query.state : undefined;
    const [agreements, partners, counts] = await Promise.all([
      sharing.agreements({ state }),
      sharing.partners(),
      sharing.counts(),
    ]);
    return reply.render(`${V}/agreements.njk`, {
      pageTitle: "Data-sharing agreements",
      agreements,
      partners,
      counts,
      state,
      stateLabel: state ? STATE_LABELS[state as keyof typeof STATE_LABELS] : undefined,
      canManage: canManage(request),
      flash: query.done === "partner" ? "Partner added" : undefined,
    });
  });

  app.get(
    "/obligations/sharing/agreements.csv",
    { config: { policy: viewPolicy } },
    async (_r, reply) => {
      const rows = (await sharing.agreements()).map((a) => [
        a.reference,
        a.title,
        a.partners.map((p) => p.name).join("; "),
        a.framework,
        a.purpose,
        a.lawfulBasisLabel,
        a.dataItems,
        a.signatories,
        a.startDate,
        a.reviewDate,
        a.endDate,
        a.stateLabel,
        a.ownerName,
      ]);
      return sendDownload(
        reply,
        `data-sharing-agreements-${today()}.csv`,
        "csv",
        toCsv(
          [
            "Reference",
            "Title",
            "Partners",
            "Framework",
            "Purpose",
            "Lawful basis",
            "Data items",
            "Signatories",
            "Start",
            "Review",
            "End",
            "Status",
            "Owner",
          ],
          rows,
        ),
      );
    },
  );

  // ---- Partners ----
  const partnerPage = (values: Record<string, unknown>, errors?: unknown) => ({
    pageTitle: "Add a partner organisation",
    kindItems: choices(PARTNER_KINDS, values.kind),
    values,
    errors,
  });
  app.get("/obligations/sharing/partners/new", { config: { policy: managePolicy } }, (_r, reply) =>
    reply.render(`${V}/partner-form.njk`, partnerPage({})),
  );
  app.post(
    "/obligations/sharing/partners",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const form = parseForm(partnerInput, request.body);
      if (!form.ok)
        return reply
          .code(400)
          .render(`${V}/partner-form.njk`, partnerPage(form.values, form.errors));
      const saved = await attempt(() => sharing.addPartner(request.audit, form.value));
      if (!saved.ok)
        return reply
          .code(400)
          .render(`${V}/partner-form.njk`, partnerPage(form.value, saved.errors));
      return reply.redirect("/obligations/sharing?done=partner", 303);
    },
  );

  // ---- Agreements ----
  const agreementPage = async (values: Record<string, unknown>, extra: Record<string, unknown>) => {
    const selected = asArray(values.partnerIds);
    return {
      partnerItems: (await sharing.partners()).map((p) => ({
        value: p.id,
        text: p.name,
        hint: { text: p.kindLabel },
        checked: selected.includes(p.id),
      })),
      basisItems: choices(LAWFUL_BASES, values.lawfulBasis),
      statusItems: Object.entries(AGREEMENT_STATUSES).map(([value, text]) => ({
        value,
        text,
        checked: (values.status ?? "draft") === value,
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
  const valuesOf = (a: Agreement) => ({
    ...a,
    partnerIds: a.partners.map((p) => p.id),
  });

  app.get(
    "/obligations/sharing/agreements/new",
    { config: { policy: managePolicy } },
    async (_r, reply) =>
      reply.render(
        `${V}/agreement-form.njk`,
        await agreementPage(
          {},
          { pageTitle: "Add a data-sharing agreement", action: "/obligations/sharing/agreements" },
        ),
      ),
  );

  const save = async (request: FastifyRequest, reply: FastifyReply, id?: string) => {
    const action = id
      ? `/obligations/sharing/agreements/${id}/edit`
      : "/obligations/sharing/agreements";
    const pageTitle = id ? "Change a data-sharing agreement" : "Add a data-sharing agreement";
    const form = parseForm(agreementInput, request.body);
    if (!form.ok)
      return reply
        .code(400)
        .render(
          `${V}/agreement-form.njk`,
          await agreementPage(form.values, { pageTitle, action, errors: form.errors }),
        );
    const saved = await attempt(() => sharing.saveAgreement(request.audit, form.value, id));
    if (!saved.ok)
      return reply
        .code(400)
        .render(
          `${V}/agreement-form.njk`,
          await agreementPage(form.value, { pageTitle, action, errors: saved.errors }),
        );
    return reply.redirect(`/obligations/sharing/agreements/${saved.value}?done=saved`, 303);
  };
  app.post(
    "/obligations/sharing/agreements",
    { config: { policy: managePolicy } },
    (request, reply) => save(request, reply),
  );

  async function load(request: FastifyRequest) {
    const a = await sharing.agreement(idOf(request));
    if (!a) throw new HttpError(404, "That agreement is not in the register.");
    return a;
  }

  /**
   * The asset register's data flows the agreement covers today (through services.flows), and those
   * linked to it that it does not cover (it is not in force, or they need no agreement).
   */
  async function flowsOf(a: Agreement) {
    const candidates = await services.flows.forAgreement({
      flowIds: a.flowIds,
      partnerNames: a.partners.map((p) => p.name),
    });
    const covers = (f: (typeof candidates)[number]) =>
      !!f.coverage?.covering.some((c) => c.kind === "agreement" && c.id === a.id);
    return {
      coveredFlows: candidates.filter(covers),
      linkedNotCovered: candidates.filter((f) => !covers(f) && a.flowIds.includes(f.id)),
    };
  }

  app.get(
    "/obligations/sharing/agreements/:id",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const a = await load(request);
      const done = (request.query as { done?: string }).done;
      return reply.render(`${V}/agreement.njk`, {
        pageTitle: `${a.reference} ${a.title}`,
        a,
        ...(await flowsOf(a)),
        canManage: canManage(request),
        history: (
          await services.audit.search({
            entityType: "sharing-agreement",
            entityId: a.id,
            limit: 10,
          })
        ).events,
        flash:
          done === "saved"
            ? "Agreement saved"
            : done === "uploaded"
              ? "Signed copy uploaded"
              : undefined,
      });
    },
  );
  app.get(
    "/obligations/sharing/agreements/:id/edit",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const a = await load(request);
      return reply.render(
        `${V}/agreement-form.njk`,
        await agreementPage(valuesOf(a), {
          pageTitle: `Change ${a.reference}`,
          action: `/obligations/sharing/agreements/${a.id}/edit`,
        }),
      );
    },
  );
  app.post(
    "/obligations/sharing/agreements/:id/edit",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const a = await load(request);
      return save(request, reply, a.id);
    },
  );

  app.post(
    "/obligations/sharing/agreements/:id/signed-copy",
    { config: { policy: managePolicy } },
    async (request, reply) => {
      const a = await load(request);
      const form = await readMultipart(request);
      const file = form.files.find((f) => f.field === "signedCopy");
      const again = async (text: string) =>
        reply.code(400).render(`${V}/agreement.njk`, {
          pageTitle: `${a.reference} ${a.title}`,
          a,
          ...(await flowsOf(a)),
          canManage: true,
          history: [],
          errors: { list: [{ text, href: "#signedCopy" }], byField: { signedCopy: { text } } },
        });
      if (!file) return again("Select the signed copy");
      const done = await attempt(() => sharing.attachSignedCopy(request.audit, a.id, file));
      if (!done.ok) return again(done.errors.list[0].text);
      return reply.redirect(`/obligations/sharing/agreements/${a.id}?done=uploaded`, 303);
    },
  );
  app.get(
    "/obligations/sharing/agreements/:id/signed-copy",
    { config: { policy: viewPolicy } },
    async (request, reply) => {
      const copy = await sharing.signedCopy(idOf(request));
      if (!copy) throw new HttpError(404, "No signed copy has been uploaded.");
      return reply
        .header("content-disposition", `attachment; filename="${copy.filename.replace(/"/g, "")}"`)
        .header("x-content-type-options", "nosniff")
        .type("application/octet-stream")
        .send(copy.data);
    },
  );
}
