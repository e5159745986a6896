import type { AuditContext } from "../../platform/audit/audit-service.ts";
import { generatePassword } from "../../platform/auth/passwords.ts";
import type { Role } from "../../platform/auth/roles.ts";
import type { Services } from "../../platform/services.ts";
import { loadAssetDemo } from "../assets/demo.ts";
import { loadBreachAndDpiaDemo } from "../breaches/demo.ts";
import { loadObligationsDemo } from "../obligations/demo.ts";
import { loadOpenDataDemo } from "../opendata/demo.ts";
import type { GovernanceRole } from "../organisation/organisation-service.ts";
import { loadRequestsDemo } from "../requests/demo.ts";

/**
 * Demo data for a fictional council, drawn from the Information Management Strategy in
 * shared/seed: its service areas, its governance roles (SIRO, Chief Privacy Officers,
 * Caldicott Guardian) and Group Managers acting as Information Asset Owners.
 * Every name is invented; every email uses the reserved example.gov.uk domain.
 */
export const DEMO_DOMAIN = "northmoor.example.gov.uk";

const serviceAreas = [
  {
    name: "Corporate Services",
    directorate: "Corporate Services",
    headOfService: "Corporate Director for Corporate Services",
  },
  {
    name: "Customer Services",
    directorate: "Corporate Services",
    headOfService: "Head of Customer Services",
  },
  {
    name: "Legal and Democratic Services",
    directorate: "Corporate Services",
    headOfService: "Head of Legal and Democratic Services",
  },
  {
    name: "Policy and Information Management",
    directorate: "Corporate Services",
    headOfService: "Team Manager, Policy and Information Management",
  },
  { name: "ICT and Digital", directorate: "Corporate Services", headOfService: "Head of ICT" },
  {
    name: "Revenues and Benefits",
    directorate: "Corporate Services",
    headOfService: "Head of Revenues and Benefits",
  },
  {
    name: "Children's Services",
    directorate: "People",
    headOfService: "Head of Children's Services",
  },
  { name: "Adult Social Care", directorate: "People", headOfService: "Head of Adult Social Care" },
  {
    name: "Education and Special Educational Needs",
    directorate: "People",
    headOfService: "Head of Education",
  },
  { name: "Youth Support", directorate: "People", headOfService: "Group Manager, Youth Support" },
  { name: "Public Health", directorate: "People", headOfService: "Director of Public Health" },
  { name: "Housing", directorate: "Place", headOfService: "Head of Housing" },
  { name: "Planning and Regeneration", directorate: "Place", headOfService: "Head of Planning" },
  {
    name: "Highways and Transport",
    directorate: "Place",
    headOfService: "Group Manager, Highways",
  },
  {
    name: "Registration Services",
    directorate: "Place",
    headOfService: "Superintendent Registrar",
  },
];

interface DemoPerson {
  name: string;
  title: string;
  roles: Role[];
  governance?: GovernanceRole;
}

const people: DemoPerson[] = [
  {
    name: "Aisha Rahman",
    title: "Corporate Director for Corporate Services",
    roles: ["siro"],
    governance: "siro",
  },
  { name: "Gareth Llewellyn", title: "Data Protection Officer", roles: ["dpo"], governance: "dpo" },
  {
    name: "Priya Natarajan",
    title: "Head of Children's Services",
    roles: ["asset-owner"],
    governance: "caldicott-guardian",
  },
  {
    name: "Tom Okafor",
    title: "Head of Legal and Democratic Services",
    roles: ["asset-owner"],
    governance: "chief-privacy-officer",
  },
  {
    name: "Helen Marsh",
    title: "Team Manager, Policy and Information Management",
    roles: ["ig-officer"],
    governance: "ig-lead",
  },
  { name: "Daniel Kowalski", title: "Data Governance Advisor", roles: ["ig-officer"] },
  { name: "Sophie Brennan", title: "Information Requests Officer", roles: ["caseworker"] },
  { name: "Marcus Hale", title: "Group Manager, Revenues and Benefits", roles: ["asset-owner"] },
  { name: "Fiona Grant", title: "Group Manager, Adult Social Care", roles: ["asset-owner"] },
  { name: "Wei Chen", title: "Business Intelligence Analyst", roles: ["analyst"] },
  { name: "Ruth Adeyemi", title: "Customer Services Adviser", roles: ["staff"] },
];

function emailFor(name: string): string {
  return `${name
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .replace(/ /g, ".")}@${DEMO_DOMAIN}`;
}

export interface DemoResult {
  adminEmail: string;
  adminPassword: string;
}

export async function loadDemoData(services: Services, ctx: AuditContext): Promise<DemoResult> {
  const existingAreas = new Set((await services.organisation.serviceAreas()).map((a) => a.name));
  for (const area of serviceAreas) {
    if (!existingAreas.has(area.name)) await services.organisation.addServiceArea(ctx, area);
  }
  for (const person of people) {
    const email = emailFor(person.name);
    const user =
      (await services.users.findByEmail(email)) ??
      (await services.users.create(ctx, {
        email,
        displayName: person.name,
        jobTitle: person.title,
        password: generatePassword(),
        roles: person.roles,
      }));
    if (person.governance)
      await services.organisation.setGovernanceRole(ctx, person.governance, {
        holderName: person.name,
        holderTitle: person.title,
        userId: user.id,
      });
  }
  const adminEmail = `demo.admin@${DEMO_DOMAIN}`;
  const adminPassword = generatePassword();
  const admin = await services.users.findByEmail(adminEmail);
  if (admin) await services.users.setPassword(ctx, admin.id, adminPassword);
  else
    await services.users.create(ctx, {
      email: adminEmail,
      displayName: "Demo Administrator",
      jobTitle: "Steward administrator (demo)",
      password: adminPassword,
      roles: ["administrator"],
    });
  await loadAssetDemo(services, ctx);
  await loadObligationsDemo(services, ctx);
  await loadOpenDataDemo(services, ctx);
  await loadRequestsDemo(services, ctx);
  await loadBreachAndDpiaDemo(services, ctx);
  await services.settings.set("demo.loaded", { at: new Date().toISOString() });
  return { adminEmail, adminPassword };
}
