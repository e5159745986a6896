import type { FastifyInstance } from "fastify";
import type { Services } from "../../platform/services.ts";
import { HttpError } from "../../platform/web/errors.ts";
import { isRealDate } from "./dates.ts";
import { ObligationInputError } from "./errors.ts";
import { managePolicy, viewPolicy } from "./web.ts";

const problem = { $ref: "problem#" } as const;
const errors = { 400: problem, 401: problem, 403: problem };
const security = [{ apiToken: [] }];
const anyObject = { type: "object", additionalProperties: true } as const;
const _list = { type: "array", items: anyObject } as const;

/** The four registers under /api/v1, in the OpenAPI document. */
export async function obligationsApiRoutes(app: FastifyInstance, services: Services) {
  const get = (
    url: string,
    summary: string,
    tag: string,
    handler: (q: Record<string, string>) => Promise<unknown>,
    querystring?: object,
  ) =>
    app.get(
      url,
      {
        config: { policy: viewPolicy },
        schema: {
          summary,
          tags: [tag],
          security,
          ...(querystring ? { querystring } : {}),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => handler(request.query as Record<string, string>),
    );

  get("/api/v1/retention/rules", "The retention schedule", "Retention", async () => ({
    rules: await services.retention.rules(),
  }));
  get(
    "/api/v1/retention/due",
    "Records reaching their disposal date by the end of a month, and those under a legal hold",
    "Retention",
    async (q) => services.retention.dueList({ month: q.month }),
    {
      type: "object",
      additionalProperties: false,
      properties: {
        month: {
          type: "string",
          pattern: "^\\d{4}-\\d{2}$",
          description: "YYYY-MM; this month when left out",
        },
      },
    },
  );
  get("/api/v1/retention/holds", "Legal holds in force", "Retention", async () => ({
    holds: await services.retention.holds(),
  }));
  get(
    "/api/v1/retention/certificates",
    "Certificates of destruction, newest first",
    "Retention",
    async (q) => services.retention.certificates({ page: Number(q.page ?? 1) }),
    {
      type: "object",
      additionalProperties: false,
      properties: { page: { type: "integer", minimum: 1, maximum: 100000 } },
    },
  );

  get("/api/v1/sharing/partners", "Partner organisations", "Data sharing", async () => ({
    partners: await services.sharing.partners(),
  }));
  get(
    "/api/v1/sharing/agreements",
    "Data-sharing agreements (state: active, review-due, review-overdue, expired, draft, terminated)",
    "Data sharing",
    async (q) => ({ agreements: await services.sharing.agreements({ state: q.state }) }),
    {
      type: "object",
      additionalProperties: false,
      properties: {
        state: {
          type: "string",
          enum: ["active", "review-due", "review-overdue", "expired", "draft", "terminated"],
        },
      },
    },
  );
  get(
    "/api/v1/sharing/coverage",
    "Whether a flow of personal data to a partner is covered by an agreement in force",
    "Data sharing",
    async (q) => {
      if (!q.partnerId && !q.partner)
        throw new HttpError(400, "Give partner (a name) or partnerId.");
      return services.sharing.isFlowCovered({
        partnerId: q.partnerId,
        partnerName: q.partner,
        flowId: q.flowId,
      });
    },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        partner: {
          type: "string",
          maxLength: 200,
          description: "Partner's name as the flow records it",
        },
        partnerId: { type: "string", format: "uuid" },
        flowId: { type: "string", format: "uuid" },
      },
    },
  );

  get(
    "/api/v1/processors",
    "Processors, their contracts, Art. 28 terms, assurance and assessments",
    "Processors",
    async () => ({
      processors: await services.processors.list(),
    }),
  );
  get(
    "/api/v1/processors/gaps",
    "Contracts missing Art. 28 terms, assurance expiring, third-party-hosted assets with no contract",
    "Processors",
    async () => {
      const assets = await services.assets.list({ thirdPartyHosted: true, pageSize: 500 });
      const gaps = await services.processors.gaps(
        assets.items.map((a) => ({
          id: a.id,
          reference: a.reference,
          name: a.name,
          hostedBy: a.hostedBy,
        })),
      );
      return {
        missingTerms: gaps.missingTerms.map((p) => ({
          id: p.id,
          name: p.name,
          missingTerms: p.missingTerms,
        })),
        assuranceExpiring: gaps.assuranceExpiring.map((x) => ({
          processorId: x.processor.id,
          processor: x.processor.name,
          ...x.assurance,
        })),
        uncontractedAssets: gaps.uncontractedAssets,
        reviewOverdue: gaps.reviewOverdue.map((p) => ({
          id: p.id,
          name: p.name,
          contractReview: p.contractReview,
          nextAssessment: p.nextAssessment,
        })),
      };
    },
  );

  get(
    "/api/v1/training/courses",
    "Training courses and who must take them",
    "Training",
    async () => ({
      courses: await services.training.courses(),
    }),
  );
  get(
    "/api/v1/training/compliance",
    "Completion by service area and for councillors against the 90% target, and who is overdue",
    "Training",
    async () => {
      const c = await services.training.compliance();
      const brief = (s: (typeof c.overdue)[number]) => ({
        personNumber: s.person.personNumber,
        name: s.person.name,
        kind: s.person.kind,
        serviceArea: s.person.serviceAreaName,
        course: s.course.code,
        lastCompleted: s.lastCompleted,
        dueOn: s.dueOn,
      });
      return { ...c, overdue: c.overdue.map(brief), dueSoon: c.dueSoon.map(brief) };
    },
  );
  app.post(
    "/api/v1/training/completions",
    {
      config: { policy: managePolicy },
      schema: {
        summary: "Record a training completion (IG officers and the DPO)",
        tags: ["Training"],
        security,
        body: {
          type: "object",
          additionalProperties: false,
          required: ["personNumber", "courseCode", "completedOn"],
          properties: {
            personNumber: { type: "string", minLength: 1, maxLength: 100 },
            courseCode: { type: "string", minLength: 1, maxLength: 40 },
            completedOn: { type: "string", format: "date" },
          },
        },
        response: { 201: anyObject, ...errors, 422: problem },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        personNumber: string;
        courseCode: string;
        completedOn: string;
      };
      if (!isRealDate(body.completedOn))
        throw new HttpError(422, "completedOn must be a real date.");
      const [people, courses] = await Promise.all([
        services.training.people(),
        services.training.courses(),
      ]);
      const person = people.find(
        (p) => p.personNumber.toLowerCase() === body.personNumber.toLowerCase(),
      );
      const course = courses.find((c) => c.code.toLowerCase() === body.courseCode.toLowerCase());
      if (!person) throw new HttpError(422, `No person with number ${body.personNumber}.`);
      if (!course) throw new HttpError(422, `No course with code ${body.courseCode}.`);
      try {
        await services.training.recordCompletion(request.audit, {
          personId: person.id,
          courseId: course.id,
          completedOn: body.completedOn,
        });
      } catch (err) {
        if (err instanceof ObligationInputError) throw new HttpError(422, err.message);
        throw err;
      }
      return reply.code(201).send({
        personNumber: person.personNumber,
        courseCode: course.code,
        completedOn: body.completedOn,
      });
    },
  );
}
