import type { AuditContext } from "../../platform/audit/audit-service.ts";
import type { Services } from "../../platform/services.ts";
import { DEMO_DOMAIN } from "../demo/demo-data.ts";

const HOUR = 3_600_000;
const emailFor = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .replace(/ /g, ".")}@${DEMO_DOMAIN}`;

/**
 * A few demo breaches and DPIAs for the fictional council: a laptop lost yesterday evening with the
 * clock running, an email sent to the wrong person (reported in time, closed), a letter that was not
 * reportable, a late report with its reasons; a signed-off DPIA for data matching and one in progress.
 */
export async function loadBreachAndDpiaDemo(services: Services, ctx: AuditContext): Promise<void> {
  if ((await services.breaches.list({ state: "all" })).length === 0)
    await demoBreaches(services, ctx);
  if ((await services.dpia.list()).length === 0) await demoDpias(services, ctx);
}

async function person(services: Services, name: string) {
  const u = await services.users.findByEmail(emailFor(name));
  if (!u) throw new Error(`demo person ${name} is missing`);
  return u;
}

async function demoBreaches(services: Services, ctx: AuditContext) {
  const { breaches } = services;
  const areas = new Map((await services.organisation.serviceAreas()).map((a) => [a.name, a.id]));
  const ruth = await person(services, "Ruth Adeyemi");
  const helen = await person(services, "Helen Marsh");
  const gareth = await person(services, "Gareth Llewellyn");
  const now = Date.now();
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
  const base = {
    howDiscovered: null,
    recordsCount: null,
    assetIds: [],
    isCyber: false,
    cia: ["confidentiality"],
    staffInvolved: true,
    staffTrained: "yes",
    trainingDetail: "Annual data protection e-learning",
    recovered: null,
    containedAt: null,
    containment: null,
    recovery: null,
    othersTold: null,
    awareAtNote: null,
  };

  // 1. Lost laptop, clock running.
  const laptop = await breaches.report(ctx, ruth.id, {
    summary: "Council laptop left on the train home yesterday evening",
    dataInvolved:
      "Council tax and benefits spreadsheets: names, addresses, amounts owed, some bank details",
    whoKnows: "My manager and British Transport Police lost property",
    occurredAt: at(31),
    discoveredAt: at(30),
  });
  await breaches.triage(ctx, laptop.id, {
    ...base,
    title: "Laptop lost on train, Revenues and Benefits",
    awareAt: laptop.awareAt,
    serviceAreaId: areas.get("Revenues and Benefits") ?? null,
    cause: "lost-device",
    dataCategories: ["identifiers", "financial"],
    subjectTypes: ["residents"],
    peopleCount: 1200,
    consequences: "Fraud or distress if the spreadsheets are opened",
    likelihood: "neutral",
    severity: "significant",
    encrypted: "not-known",
    howDiscovered: "Reported by the member of staff the same evening",
  });

  // 2. Email to the wrong recipient: reported in time, people told, closed.
  const email = await breaches.report(ctx, ruth.id, {
    summary: "Safeguarding referral emailed to a parent at the wrong school",
    dataInvolved: "A child's name, school and a safeguarding concern",
    whoKnows: "The school's head teacher",
    occurredAt: at(24 * 40),
    discoveredAt: at(24 * 40 - 2),
  });
  await breaches.triage(ctx, email.id, {
    ...base,
    title: "Referral emailed to wrong recipient, Children's Services",
    awareAt: email.awareAt,
    serviceAreaId: areas.get("Children's Services") ?? null,
    cause: "email-wrong-recipient",
    dataCategories: ["identifiers", "health"],
    subjectTypes: ["children"],
    peopleCount: 1,
    consequences: "Distress to the family; risk to the child",
    likelihood: "likely",
    severity: "significant",
    encrypted: "no",
    recovered: true,
    containedAt: at(24 * 40 - 5),
    containment: "Recipient phoned and confirmed deletion in writing",
  });
  await breaches.decide(ctx, email.id, gareth.id, {
    decision: "report-and-tell-people",
    rationale: null,
  });
  await breaches.recordNotification(ctx, email.id, helen.id, {
    recipient: "ico",
    notifiedAt: at(24 * 40 - 30),
    reference: "IC-204118-K7P2",
    method: "ico-online-form",
    peopleCount: null,
    details: null,
    delayReason: null,
  });
  await breaches.recordNotification(ctx, email.id, helen.id, {
    recipient: "data-subjects",
    notifiedAt: at(24 * 40 - 26),
    reference: null,
    method: "phone",
    peopleCount: 2,
    details: "Both parents told by the social worker, followed by a letter",
    delayReason: null,
  });
  await breaches.saveLessons(
    ctx,
    email.id,
    "Turn off address autocomplete for external addresses in children's services",
  );
  await breaches.close(ctx, email.id, helen.id, "Family told, ICO satisfied with the action taken");

  // 3. A letter to the wrong address, not reportable.
  const letter = await breaches.report(ctx, ruth.id, {
    summary: "Parking permit renewal letter sent to the previous occupier",
    dataInvolved: "Name, address and vehicle registration",
    whoKnows: null,
    occurredAt: null,
    discoveredAt: at(24 * 20),
  });
  await breaches.triage(ctx, letter.id, {
    ...base,
    title: "Permit letter to previous occupier, Highways",
    awareAt: letter.awareAt,
    serviceAreaId: areas.get("Highways and Transport") ?? null,
    cause: "post-wrong-recipient",
    dataCategories: ["identifiers", "location"],
    subjectTypes: ["residents"],
    peopleCount: 1,
    consequences: "Minor inconvenience",
    likelihood: "unlikely",
    severity: "minimal",
    encrypted: "no",
    containedAt: at(24 * 19),
  });
  await breaches.decide(ctx, letter.id, helen.id, { decision: "not-reportable", rationale: null });
  await breaches.saveLessons(ctx, letter.id, "Check the occupier before mailing renewals");
  await breaches.close(ctx, letter.id, helen.id, "Letter returned unopened");

  // 4. Phishing, reported late with reasons.
  const phish = await breaches.report(ctx, ruth.id, {
    summary: "Housing officer's mailbox accessed after a phishing email",
    dataInvolved: "Tenancy correspondence, some with health information",
    whoKnows: "ICT service desk",
    occurredAt: at(24 * 70),
    discoveredAt: at(24 * 69),
  });
  await breaches.triage(ctx, phish.id, {
    ...base,
    title: "Mailbox compromised by phishing, Housing",
    awareAt: phish.awareAt,
    serviceAreaId: areas.get("Housing") ?? null,
    cause: "phishing",
    dataCategories: ["identifiers", "health"],
    subjectTypes: ["tenants", "vulnerable-adults"],
    peopleCount: 85,
    consequences: "Distress; possible targeted fraud",
    likelihood: "neutral",
    severity: "significant",
    isCyber: true,
    encrypted: "no",
    containedAt: at(24 * 69 - 3),
    containment: "Password reset, sessions revoked, MFA enforced",
  });
  await breaches.decide(ctx, phish.id, gareth.id, {
    decision: "report-and-tell-people",
    rationale: null,
  });
  await breaches.recordNotification(ctx, phish.id, helen.id, {
    recipient: "ico",
    notifiedAt: at(24 * 69 - 80),
    reference: "IC-198342-B1Q9",
    method: "ico-online-form",
    peopleCount: null,
    details: null,
    delayReason:
      "The mailbox audit logs needed to establish what was accessed took four days to obtain from the supplier",
  });
}

async function demoDpias(services: Services, ctx: AuditContext) {
  const { dpia } = services;
  const wei = await person(services, "Wei Chen");
  const gareth = await person(services, "Gareth Llewellyn");
  const areas = new Map((await services.organisation.serviceAreas()).map((a) => [a.name, a.id]));

  const matching = await dpia.screenProject(
    ctx,
    { id: wei.id, name: wei.displayName },
    {
      title: "Linking council tax and housing benefit records",
      description:
        "Match council tax accounts with housing benefit claims to find single-person discount fraud",
      serviceAreaId: areas.get("Revenues and Benefits") ?? null,
      personalData: true,
      yes: ["ico-matching", "edpb-matching", "edpb-large-scale"],
      notes: null,
    },
  );
  await dpia.start(ctx, matching.id);
  await dpia.saveSections(ctx, matching.id, {
    need: "Identify council tax single-person discounts claimed wrongly by matching against benefit records.",
    nature:
      "Quarterly batch matching of two council datasets in Steward; matches reviewed by the fraud team.",
    scope:
      "About 60,000 council tax accounts and 9,000 benefit claims; names, addresses, dates of birth.",
    context:
      "Residents are told in the council tax privacy notice that data is used to prevent fraud.",
    purposes: "Protect public funds; correct discounts.",
    consultation: "Fraud team, Revenues and Benefits managers, ICT security.",
    necessity:
      "Art. 6(1)(e) and the Local Government Finance Act 1992; only the fields needed for matching.",
  });
  await dpia.saveRisk(ctx, matching.id, null, {
    description: "A false match leads to a discount being withdrawn wrongly",
    riskType: "Inaccurate or out-of-date data",
    likelihood: "possible",
    severity: "significant",
    measures: "Every match is reviewed by an officer before any contact; residents can challenge",
    effect: "reduced",
    residual: "low",
    measureApproved: true,
  });
  const options = await dpia.linkOptions();
  await dpia.saveLinks(
    ctx,
    matching.id,
    options.assets.filter((a) => /council tax|benefit/i.test(a.name)).map((a) => a.id),
    options.processing.filter((p) => /council tax|benefit/i.test(p.name)).map((p) => p.id),
  );
  await dpia.saveDpoAdvice(
    ctx,
    matching.id,
    gareth.displayName,
    "Proceed: clerical review of every match and the privacy notice cover the risks.",
  );
  await dpia.signOff(
    ctx,
    matching.id,
    { id: gareth.id, name: gareth.displayName },
    {
      measuresApprovedBy: "Head of Revenues and Benefits",
      residualRisksApprovedBy: "Aisha Rahman, SIRO",
      dpoAdviceFollowed: true,
      overruledReason: null,
      consultationReviewedBy: null,
      reviewOwner: "Marcus Hale, Group Manager",
      reviewDate: new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10),
      icoConsultation: null,
    },
  );

  const cctv = await dpia.screenProject(
    ctx,
    { id: wei.id, name: wei.displayName },
    {
      title: "Town-centre CCTV upgrade",
      description:
        "Replace analogue cameras with high-definition cameras and automatic number plate recognition",
      serviceAreaId: areas.get("Highways and Transport") ?? null,
      personalData: true,
      yes: ["art35-monitoring", "edpb-monitoring", "edpb-large-scale", "ico-innovative"],
      notes: "Police partnership to be confirmed",
    },
  );
  await dpia.start(ctx, cctv.id);
  await dpia.saveSections(ctx, cctv.id, {
    need: "Public safety in the town centre; the current cameras are failing.",
  });

  await dpia.screenProject(
    ctx,
    { id: wei.id, name: wei.displayName },
    {
      title: "Staff car-share noticeboard",
      description: "An intranet page where staff can offer lifts",
      serviceAreaId: areas.get("Corporate Services") ?? null,
      personalData: true,
      yes: [],
      notes: null,
    },
  );
}
