import {
  datasetInput,
  datasetWithFile,
  spendCsv,
  testActor,
} from "../../src/modules/opendata/test-factories.ts";
import type { TestContext } from "../helpers/runtime.ts";

/**
 * A small published catalogue that exercises what serialisers get wrong: quotes, backslashes, line breaks,
 * tabs and non-ASCII in text, a short description, a service area as publisher, a period covered, and a
 * link resource whose address has characters an IRI may not carry.
 */
export async function publishCatalogue(ctx: TestContext) {
  const { services } = ctx;
  const area = await services.organisation.addServiceArea(testActor, {
    name: "Finance & Revenues",
    directorate: "Resources",
    headOfService: null,
  });
  const spend = await datasetWithFile(services, spendCsv(30), {
    slug: "spend-2024-q1",
    serviceAreaId: area.id,
    temporalStart: "2024-04-01",
    temporalEnd: "2024-06-30",
    description:
      'Every payment over £500 made by the council, with the supplier, the service and the "purpose".\nOne row per transaction; amounts in pounds (£) — VAT shown separately. Path: C:\\data\\spend.',
    keywords: ["spend", "payments", 'Café "quotes"'],
  });
  await services.opendata.publish(testActor, spend.dataset.id);

  const short = await services.opendata.create(
    testActor,
    datasetInput({
      slug: "council-meetings",
      title: "Council meetings ✓",
      description: "Meetings.",
      themes: ["Democracy"],
      keywords: ["meetings"],
      template: null,
      publicationClass: "how-we-decide",
      frequency: "monthly",
      contactEmail: null,
      spatial: null,
    }),
  );
  await services.opendata.addResource(testActor, short.id, {
    name: "Agendas and minutes",
    format: "LINK",
    linkUrl: "https://democracy.northmoor.example.gov.uk/ieListMeetings.aspx?CId=1&x={a|b}^`",
  });
  await services.opendata.publish(testActor, short.id);
  return { area, spend, short };
}
