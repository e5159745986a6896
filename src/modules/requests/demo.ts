import type { AuditContext } from "../../platform/audit/audit-service.ts";
import { addWorkingDays, shippedCalendar } from "../../platform/calendar/index.ts";
import type { Services } from "../../platform/services.ts";
import type { NewCase } from "./cases/cases-service.ts";
import { todayIso } from "./cases/cases-service.ts";

/**
 * Demo information requests for the fictional council: published answers in the disclosure log
 * (with the recurring topics the strategy worries about), open cases of every type at different
 * points on the clock, and closed cases across two council years for the reports.
 * Every requester is invented; emails use example.com.
 */
const PUBLISHED: {
  title: string;
  request: string;
  response: string;
  service: string;
  topic: string;
  outcome: string;
  type: "foi" | "eir";
}[] = [
  {
    title: "Potholes repaired in 2025",
    request: "How many potholes did the council repair in 2025, and at what cost?",
    response: "We repaired 4,812 potholes in 2025 at a cost of £612,400.",
    service: "Highways and Transport",
    topic: "Roads",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Pothole compensation claims",
    request:
      "How many compensation claims for pothole damage were received and paid in 2024 and 2025?",
    response: "2024: 311 received, 74 paid. 2025: 288 received, 69 paid.",
    service: "Highways and Transport",
    topic: "Roads",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Agency staff spending",
    request: "How much did the council spend on agency staff in 2024/25, by directorate?",
    response: "Corporate Services £1.2m; People £3.4m; Place £0.9m.",
    service: "Corporate Services",
    topic: "Staffing",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Missed bin collections",
    request: "How many bin collections were reported missed in 2025, by month?",
    response: "A table of missed collections by month is attached; 1,944 in total.",
    service: "Customer Services",
    topic: "Waste",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Air quality monitoring results",
    request: "Please provide nitrogen dioxide diffusion tube results for 2025.",
    response: "These are published in our Annual Status Report on the website.",
    service: "Public Health",
    topic: "Air quality",
    outcome: "already-published",
    type: "eir",
  },
  {
    title: "Parking fines issued by street",
    request: "How many penalty charge notices were issued in 2025, by street?",
    response: "The figures by street are attached.",
    service: "Highways and Transport",
    topic: "Parking",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Children in care placed out of area",
    request:
      "How many looked-after children were placed more than 20 miles from home on 31 March 2025?",
    response:
      "47 children. Numbers under 5 in any category are withheld to protect identities (s.40(2)).",
    service: "Children's Services",
    topic: "Children's social care",
    outcome: "provided-in-part",
    type: "foi",
  },
  {
    title: "Council tax arrears",
    request: "What was the total council tax arrears on 31 March 2025?",
    response: "£8.6m, published in our annual statement of accounts.",
    service: "Revenues and Benefits",
    topic: "Council tax",
    outcome: "already-published",
    type: "foi",
  },
  {
    title: "Planning enforcement complaints",
    request:
      "How many planning enforcement complaints were received in 2025 and how many led to a notice?",
    response: "612 complaints; 41 enforcement notices.",
    service: "Planning and Regeneration",
    topic: "Planning",
    outcome: "provided-in-full",
    type: "eir",
  },
  {
    title: "Flood risk assessments for the river Moor",
    request: "Please provide flood risk assessments for the river Moor since 2020.",
    response: "The assessments are attached; maps are on the Environment Agency site.",
    service: "Planning and Regeneration",
    topic: "Flooding",
    outcome: "provided-in-full",
    type: "eir",
  },
  {
    title: "Cyber attacks on council systems",
    request: "How many cyber attacks did the council experience in 2025?",
    response:
      "We neither confirm nor deny details that would help an attacker (s.31). We can say no attack led to data loss.",
    service: "ICT and Digital",
    topic: "ICT",
    outcome: "refused",
    type: "foi",
  },
  {
    title: "Homeless households in temporary accommodation",
    request:
      "How many households were in temporary accommodation at the end of each quarter of 2025?",
    response: "Q1 212, Q2 225, Q3 240, Q4 251.",
    service: "Housing",
    topic: "Housing",
    outcome: "provided-in-full",
    type: "foi",
  },
  {
    title: "Electric vehicle charge points",
    request: "How many public electric vehicle charge points does the council operate?",
    response: "86, listed with their locations in our open data.",
    service: "Highways and Transport",
    topic: "Transport",
    outcome: "already-published",
    type: "eir",
  },
  {
    title: "Highest paid staff",
    request: "How many staff earn over £100,000?",
    response: "Published in our senior salaries data under the Transparency Code.",
    service: "Corporate Services",
    topic: "Staffing",
    outcome: "already-published",
    type: "foi",
  },
  {
    title: "Fly-tipping incidents and fines",
    request:
      "How many fly-tipping incidents were reported and how many fixed penalties issued in 2025?",
    response: "1,377 incidents; 64 fixed penalty notices.",
    service: "Customer Services",
    topic: "Waste",
    outcome: "provided-in-full",
    type: "eir",
  },
];

const REQUESTERS = [
  "Alex Morgan",
  "Sam Patel",
  "Jordan Hughes",
  "Casey Owen",
  "Riley Evans",
  "Morgan Ali",
  "Taylor Reid",
  "Jamie Clarke",
];

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

export async function loadRequestsDemo(services: Services, ctx: AuditContext): Promise<void> {
  const { requests, organisation } = services;
  if ((await requests.disclosure.stats()).published > 0) return;
  const areas = new Map((await organisation.serviceAreas()).map((a) => [a.name, a.id]));
  const people = await services.users.list();
  const caseworker = people.find((p) => p.roles.includes("caseworker"));

  // Closed and published cases across two council years, some late, for reports and the log.
  for (const [i, entry] of PUBLISHED.entries()) {
    const received = daysAgo(60 + i * 23);
    const created = await requests.cases.create(ctx, {
      type: entry.type,
      received,
      channel: i % 3 === 0 ? "whatdotheyknow" : "email",
      summary: entry.title,
      requestText: entry.request,
      requesterName: REQUESTERS[i % REQUESTERS.length],
      requesterEmail: `requester${i}@example.com`,
      serviceAreaId: areas.get(entry.service) ?? null,
      topic: entry.topic,
    });
    const due = created.dueDate ?? received;
    const closedOn =
      i % 5 === 4
        ? addWorkingDays(shippedCalendar(), due, 3, "uk").date
        : addWorkingDays(shippedCalendar(), received, 12, "uk").date;
    if (entry.outcome === "refused" || entry.outcome === "provided-in-part")
      await requests.cases.addExemption(
        ctx,
        created.id,
        entry.outcome === "refused"
          ? {
              code: "s31",
              publicInterest:
                "Disclosure would help attackers; the public interest in security outweighs transparency about incidents.",
            }
          : { code: "s40(2)" },
      );
    await requests.cases.close(ctx, created.id, {
      outcome: entry.outcome,
      closedOn: closedOn > todayIso() ? todayIso() : closedOn,
    });
    await requests.disclosure.publish(ctx, created.id, {
      title: entry.title,
      requestText: entry.request,
      responseText: entry.response,
      relatedLinks:
        entry.outcome === "already-published" ? [{ text: "Open data", href: "/data" }] : [],
    });
  }

  // Open cases at different points on the clock.
  const open: (NewCase & { assign?: boolean; events?: { type: string; date: string }[] })[] = [
    {
      type: "foi",
      received: daysAgo(30),
      summary: "Pothole repairs on Moor Lane",
      requestText: "How many times has Moor Lane been repaired for potholes since 2022?",
      requesterName: "Chris Webb",
      requesterEmail: "chris.webb@example.com",
      serviceAreaId: areas.get("Highways and Transport") ?? null,
      topic: "Roads",
      assign: true,
    },
    {
      type: "foi",
      received: daysAgo(12),
      summary: "Pothole claims paid in 2026",
      requestText: "How many pothole damage claims were paid so far in 2026?",
      requesterName: "Dana Fox",
      requesterEmail: "dana.fox@example.com",
      serviceAreaId: areas.get("Highways and Transport") ?? null,
      topic: "Roads",
    },
    {
      type: "foi",
      received: daysAgo(9),
      summary: "Agency staff costs in Adult Social Care",
      requestText: "What did Adult Social Care spend on agency staff in 2025/26?",
      requesterName: "Lee Grant",
      requesterEmail: "lee.grant@example.com",
      serviceAreaId: areas.get("Adult Social Care") ?? null,
      assign: true,
    },
    {
      type: "eir",
      received: daysAgo(20),
      summary: "Contaminated land register",
      requestText: "Please send the contaminated land register entries for Northmoor.",
      requesterName: "Robin Asker",
      requesterEmail: "request-4411-ab12cd34@whatdotheyknow.com",
      channel: "whatdotheyknow",
      replyTo: "request-4411-ab12cd34@whatdotheyknow.com",
      wdtkRequest: "4411",
      serviceAreaId: areas.get("Planning and Regeneration") ?? null,
      events: [{ type: "extension-applied", date: daysAgo(5) }],
    },
    {
      type: "sar",
      dataRight: "access",
      received: daysAgo(10),
      summary: "Subject access: housing file",
      requestText: "A copy of my housing file since 2019.",
      requesterName: "Jo Tenant",
      requesterEmail: "jo.tenant@example.com",
      subjectCategory: "tenants",
      serviceAreaId: areas.get("Housing") ?? null,
      assign: true,
      events: [{ type: "identity-requested", date: daysAgo(10) }],
    },
    {
      type: "police",
      received: daysAgo(4),
      summary: "Request from Northmoor Constabulary",
      requestText: "Address history for a named individual; crime reference NM/1234/26.",
      requesterName: "DC Ellis",
      requesterEmail: "dc.ellis@police.example.uk",
      requesterOrganisation: "Northmoor Constabulary",
      policeExemption: "sch2-para2",
    },
    {
      type: "foi",
      received: daysAgo(45),
      summary: "Consultancy spending",
      requestText: "List all consultancy contracts over £10,000 in 2025.",
      requesterName: "Pat Lowe",
      requesterEmail: "pat.lowe@example.com",
      serviceAreaId: areas.get("Corporate Services") ?? null,
      assign: true,
    },
  ];
  for (const c of open) {
    const { assign, events, ...input } = c;
    const created = await requests.intake.receive(ctx, { channel: "email", ...input });
    for (const e of events ?? []) await requests.cases.addClockEvent(ctx, created.id, e);
    if (assign && caseworker)
      await requests.cases.assign(ctx, created.id, caseworker.id, caseworker.displayName);
  }
}
