import { sql } from "kysely";
import { z } from "zod";
import type { AuditContext, AuditService } from "../../../platform/audit/audit-service.ts";
import type { Db } from "../../../platform/db/database.ts";
import { UUID } from "../../../platform/db/ids.ts";
import { addDays, addMonths, type IsoDate, isRealDate, readDate, today } from "../dates.ts";
import { ObligationConflictError, ObligationInputError } from "../errors.ts";
import { pick, type Sheet } from "../spreadsheet.ts";

/** The strategy's target: 90% of staff trained. */
export const TARGET = 0.9;
/** Training falling due within this many days is "due soon" and its learner reminded. */
export const DUE_SOON_DAYS = 30;

export const AUDIENCES = {
  "all-staff": "All staff",
  councillors: "Councillors",
  everyone: "All staff and councillors",
  roles: "Specific job roles",
} as const;
export type Audience = keyof typeof AUDIENCES;

export interface Course {
  id: string;
  code: string;
  title: string;
  audience: Audience;
  audienceLabel: string;
  jobRoles: string[];
  frequencyMonths: number | null;
}

export interface Learner {
  id: string;
  personNumber: string;
  name: string;
  email: string | null;
  kind: "staff" | "councillor";
  jobRole: string | null;
  serviceAreaId: string | null;
  serviceAreaName: string | null;
}

export interface TrainingStatus {
  person: Learner;
  course: Course;
  lastCompleted: IsoDate | null;
  /** When it must next be done; null for a one-off course already completed. */
  dueOn: IsoDate | null;
  state: "current" | "due-soon" | "overdue";
}

export interface ComplianceRow {
  group: string;
  people: number;
  compliant: number;
  rate: number;
  meetsTarget: boolean;
}

const asList = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const courseInput = z
  .object({
    code: z.string().trim().min(1, "Enter a short code for the course, like DP-ELEARN").max(40),
    title: z.string().trim().min(1, "Enter the course title").max(200),
    audience: z.enum(Object.keys(AUDIENCES) as [Audience, ...Audience[]], {
      message: "Select who must take the course",
    }),
    jobRoles: z.preprocess(
      (v) =>
        typeof v === "string"
          ? v
              .split(/[\n,]/)
              .map((s) => s.trim())
              .filter(Boolean)
          : asList(v),
      z.array(z.string().max(200)).max(50),
    ),
    frequencyMonths: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? null : v),
      z.coerce
        .number({ message: "Enter how often in months, as a whole number" })
        .int("Enter how often in months, as a whole number")
        .min(
          1,
          "Enter a number of months between 1 and 120, or leave it empty for a one-off course",
        )
        .max(
          120,
          "Enter a number of months between 1 and 120, or leave it empty for a one-off course",
        )
        .nullable(),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.audience === "roles" && v.jobRoles.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["jobRoles"],
        message: "Enter the job roles that must take the course",
      });
  });
export type CourseInput = z.output<typeof courseInput>;

export const completionInput = z.object({
  personId: z.string().trim().regex(UUID, "Select the person"),
  courseId: z.string().trim().regex(UUID, "Select the course"),
  completedOn: z
    .string()
    .trim()
    .refine(isRealDate, "Enter the completion date as a real date, like 2026-03-31"),
});

export function requiredOf(course: Course, person: Pick<Learner, "kind" | "jobRole">): boolean {
  switch (course.audience) {
    case "all-staff":
      return person.kind === "staff";
    case "councillors":
      return person.kind === "councillor";
    case "everyone":
      return true;
    case "roles":
      return (
        !!person.jobRole &&
        course.jobRoles.some((r) => r.toLowerCase() === (person.jobRole as string).toLowerCase())
      );
  }
}

export function statusOf(
  course: Pick<Course, "frequencyMonths">,
  lastCompleted: IsoDate | null,
  on: IsoDate,
): { dueOn: IsoDate | null; state: TrainingStatus["state"] } {
  if (!lastCompleted) return { dueOn: null, state: "overdue" };
  if (course.frequencyMonths === null) return { dueOn: null, state: "current" };
  const dueOn = addMonths(lastCompleted, course.frequencyMonths);
  if (dueOn < on) return { dueOn, state: "overdue" };
  if (dueOn <= addDays(on, DUE_SOON_DAYS)) return { dueOn, state: "due-soon" };
  return { dueOn, state: "current" };
}

/**
 * Courses, the people who must take them (staff and councillors), completions entered or imported
 * from a learning system's CSV export, and completion against the 90% target.
 */
export class TrainingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async courses(): Promise<Course[]> {
    const rows = await this.db
      .selectFrom("training_courses")
      .selectAll()
      .orderBy(sql`lower(code)`)
      .execute();
    return rows.map((c) => ({
      id: c.id,
      code: c.code,
      title: c.title,
      audience: c.audience,
      audienceLabel: AUDIENCES[c.audience],
      jobRoles: c.job_roles,
      frequencyMonths: c.frequency_months,
    }));
  }

  async people(options: { activeOnly?: boolean } = {}): Promise<Learner[]> {
    let q = this.db
      .selectFrom("training_people as p")
      .leftJoin("service_areas as s", "s.id", "p.service_area_id")
      .selectAll("p")
      .select("s.name as service_area_name");
    if (options.activeOnly !== false) q = q.where("p.active", "=", true);
    const rows = await q.orderBy(sql`lower(p.name)`).execute();
    return rows.map((p) => ({
      id: p.id,
      personNumber: p.person_number,
      name: p.name,
      email: p.email,
      kind: p.kind,
      jobRole: p.job_role,
      serviceAreaId: p.service_area_id,
      serviceAreaName: p.service_area_name,
    }));
  }

  async addCourse(ctx: AuditContext, input: CourseInput): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("training_courses")
        .select("id")
        .where(sql`lower(code)`, "=", input.code.toLowerCase())
        .executeTakeFirst();
      if (clash) throw new ObligationInputError("code", `${input.code} is already a course`);
      const row = await trx
        .insertInto("training_courses")
        .values({
          code: input.code,
          title: input.title,
          audience: input.audience,
          job_roles: input.audience === "roles" ? input.jobRoles : [],
          frequency_months: input.frequencyMonths,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "training-course",
          entityId: row.id,
          summary: `Course ${input.code} added: ${input.title}`,
          changes: { ...input },
        },
        trx,
      );
      return row.id;
    });
  }

  async addPerson(
    ctx: AuditContext,
    input: {
      personNumber: string;
      name: string;
      email: string | null;
      kind: "staff" | "councillor";
      jobRole: string | null;
      serviceAreaId: string | null;
    },
  ): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom("training_people")
        .select("id")
        .where(sql`lower(person_number)`, "=", input.personNumber.toLowerCase())
        .executeTakeFirst();
      if (clash)
        throw new ObligationInputError("personNumber", `${input.personNumber} is already listed`);
      const row = await trx
        .insertInto("training_people")
        .values({
          person_number: input.personNumber,
          name: input.name,
          email: input.email,
          kind: input.kind,
          job_role: input.jobRole,
          service_area_id: input.serviceAreaId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "training-person",
          entityId: row.id,
          summary: `${input.kind === "councillor" ? "Councillor" : "Member of staff"} ${input.personNumber} added to training records`,
        },
        trx,
      );
      return row.id;
    });
  }

  async recordCompletion(
    ctx: AuditContext,
    input: z.output<typeof completionInput>,
  ): Promise<void> {
    if (input.completedOn > today())
      throw new ObligationInputError(
        "completedOn",
        "The completion date must be today or in the past",
      );
    await this.db.transaction().execute(async (trx) => {
      const [person, course] = await Promise.all([
        trx
          .selectFrom("training_people")
          .select(["person_number"])
          .where("id", "=", input.personId)
          .executeTakeFirst(),
        trx
          .selectFrom("training_courses")
          .select(["code"])
          .where("id", "=", input.courseId)
          .executeTakeFirst(),
      ]);
      if (!person) throw new ObligationInputError("personId", "Select the person");
      if (!course) throw new ObligationInputError("courseId", "Select the course");
      await trx
        .insertInto("training_completions")
        .values({
          person_id: input.personId,
          course_id: input.courseId,
          completed_on: input.completedOn,
        })
        .onConflict((oc) => oc.columns(["person_id", "course_id", "completed_on"]).doNothing())
        .execute();
      await this.audit.record(
        ctx,
        {
          action: "create",
          entityType: "training-completion",
          entityId: input.personId,
          summary: `${person.person_number} completed ${course.code} on ${input.completedOn}`,
        },
        trx,
      );
    });
  }

  /** Every required (person, course) pair with its state today. */
  async statuses(now = new Date()): Promise<TrainingStatus[]> {
    const on = today(now);
    const [courses, people, latest] = await Promise.all([
      this.courses(),
      this.people(),
      this.db
        .selectFrom("training_completions")
        .select(["person_id", "course_id", (eb) => eb.fn.max("completed_on").as("last")])
        .groupBy(["person_id", "course_id"])
        .execute(),
    ]);
    const last = new Map(latest.map((l) => [`${l.person_id} ${l.course_id}`, String(l.last)]));
    const out: TrainingStatus[] = [];
    for (const person of people)
      for (const course of courses) {
        if (!requiredOf(course, person)) continue;
        const lastCompleted = last.get(`${person.id} ${course.id}`) ?? null;
        out.push({ person, course, lastCompleted, ...statusOf(course, lastCompleted, on) });
      }
    return out;
  }

  /**
   * Completion by service area (staff) and for councillors: a person counts as trained when every
   * course required of them is current. Due-soon counts as current until its date passes.
   */
  async compliance(now = new Date()): Promise<{
    byService: ComplianceRow[];
    staff: ComplianceRow;
    councillors: ComplianceRow;
    overdue: TrainingStatus[];
    dueSoon: TrainingStatus[];
  }> {
    const statuses = await this.statuses(now);
    const people = await this.people();
    const byPerson = new Map<string, TrainingStatus[]>();
    for (const s of statuses) byPerson.set(s.person.id, [...(byPerson.get(s.person.id) ?? []), s]);
    const trained = (p: Learner) => (byPerson.get(p.id) ?? []).every((s) => s.state !== "overdue");
    const row = (group: string, members: Learner[]): ComplianceRow => {
      const compliant = members.filter(trained).length;
      const rate = members.length ? compliant / members.length : 1;
      return { group, people: members.length, compliant, rate, meetsTarget: rate >= TARGET };
    };
    const staff = people.filter((p) => p.kind === "staff");
    const services = new Map<string, Learner[]>();
    for (const p of staff) {
      const key = p.serviceAreaName ?? "No service area recorded";
      services.set(key, [...(services.get(key) ?? []), p]);
    }
    return {
      byService: [...services.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, members]) => row(name, members)),
      staff: row("All staff", staff),
      councillors: row(
        "Councillors",
        people.filter((p) => p.kind === "councillor"),
      ),
      overdue: statuses.filter((s) => s.state === "overdue"),
      dueSoon: statuses.filter((s) => s.state === "due-soon"),
    };
  }

  /**
   * Reads a learning system's CSV export: one completion per row, matched to a person by number or
   * email and to a course by code or title. People not yet listed are added when the row names them.
   * Nothing is saved until the preview is applied, and then all rows are, or none.
   */
  async previewImport(
    sheet: Sheet,
    now = new Date(),
  ): Promise<{
    rows: {
      personNumber: string;
      name: string;
      email: string | null;
      kind: "staff" | "councillor";
      jobRole: string | null;
      serviceArea: string | null;
      courseId: string;
      courseCode: string;
      completedOn: IsoDate;
      newPerson: boolean;
    }[];
    problems: string[];
  }> {
    const problems: string[] = [];
    const courses = await this.courses();
    const people = await this.people({ activeOnly: false });
    const areas = await this.db.selectFrom("service_areas").select(["id", "name"]).execute();
    const areaNames = new Set(areas.map((a) => a.name.toLowerCase()));
    const byNumber = new Map(people.map((p) => [p.personNumber.toLowerCase(), p]));
    const byEmail = new Map(
      people.filter((p) => p.email).map((p) => [String(p.email).toLowerCase(), p]),
    );
    const rows: Awaited<ReturnType<TrainingService["previewImport"]>>["rows"] = [];
    const on = today(now);
    if (!sheet.rows.length) problems.push("The file has headings but no completions.");
    sheet.rows.forEach((r, i) => {
      const line = i + 2;
      const number = pick(
        r,
        "person number",
        "employee id",
        "employee number",
        "staff number",
        "user id",
        "learner id",
      );
      const email = pick(r, "email", "email address", "user email").toLowerCase();
      const courseText = pick(
        r,
        "course code",
        "course",
        "course title",
        "module",
        "learning item",
      );
      const dateText = pick(
        r,
        "completed",
        "completion date",
        "date completed",
        "completed on",
        "date",
      );
      const known =
        (number && byNumber.get(number.toLowerCase())) ||
        (email && byEmail.get(email)) ||
        undefined;
      const course = courses.find(
        (c) =>
          c.code.toLowerCase() === courseText.toLowerCase() ||
          c.title.toLowerCase() === courseText.toLowerCase(),
      );
      const completedOn = readDate(dateText);
      const name = pick(r, "name", "full name", "learner", "learner name");
      const kindText = pick(r, "type", "staff or councillor", "learner type").toLowerCase();
      const serviceArea = pick(r, "service area", "service", "department");
      const problem = !courseText
        ? "no course"
        : !course
          ? `course “${courseText}” is not in Steward`
          : !completedOn
            ? `completion date “${dateText}” is not a date (use 31/03/2026 or 2026-03-31)`
            : completedOn > on
              ? `completion date ${completedOn} is in the future`
              : !known && !(number && name)
                ? `no person with ${number ? `number ${number}` : email ? `email ${email}` : "that number"}; add a person number and name to add them`
                : serviceArea && !known && !areaNames.has(serviceArea.toLowerCase())
                  ? `service area “${serviceArea}” is not one of the council's`
                  : undefined;
      if (problem || !course || !completedOn) {
        problems.push(`Row ${line}: ${problem}`);
        return;
      }
      rows.push({
        personNumber: known ? known.personNumber : number,
        name: known ? known.name : name,
        email: known ? known.email : email || null,
        kind: known ? known.kind : /council/.test(kindText) ? "councillor" : "staff",
        jobRole: known ? known.jobRole : pick(r, "job role", "role", "job title") || null,
        serviceArea: known ? known.serviceAreaName : serviceArea || null,
        courseId: course.id,
        courseCode: course.code,
        completedOn,
        newPerson: !known,
      });
    });
    return { rows, problems };
  }

  async applyImport(
    ctx: AuditContext,
    filename: string,
    preview: Awaited<ReturnType<TrainingService["previewImport"]>>,
  ): Promise<{ completions: number; newPeople: number }> {
    if (preview.problems.length)
      throw new ObligationConflictError("Correct the problems in the file and upload it again.");
    return this.db.transaction().execute(async (trx) => {
      const areas = await trx.selectFrom("service_areas").select(["id", "name"]).execute();
      const areaId = new Map(areas.map((a) => [a.name.toLowerCase(), a.id]));
      const ids = new Map<string, string>();
      let newPeople = 0;
      let completions = 0;
      for (const r of preview.rows) {
        const key = r.personNumber.toLowerCase();
        let personId = ids.get(key);
        if (!personId) {
          const found = await trx
            .selectFrom("training_people")
            .select("id")
            .where(sql`lower(person_number)`, "=", key)
            .executeTakeFirst();
          if (found) personId = found.id;
          else {
            const row = await trx
              .insertInto("training_people")
              .values({
                person_number: r.personNumber.slice(0, 100),
                name: r.name.slice(0, 200),
                email: r.email,
                kind: r.kind,
                job_role: r.jobRole?.slice(0, 200) ?? null,
                service_area_id: r.serviceArea
                  ? (areaId.get(r.serviceArea.toLowerCase()) ?? null)
                  : null,
              })
              .returning("id")
              .executeTakeFirstOrThrow();
            personId = row.id;
            newPeople++;
          }
          ids.set(key, personId);
        }
        const res = await trx
          .insertInto("training_completions")
          .values({
            person_id: personId,
            course_id: r.courseId,
            completed_on: r.completedOn,
            source: "import",
          })
          .onConflict((oc) => oc.columns(["person_id", "course_id", "completed_on"]).doNothing())
          .executeTakeFirst();
        completions += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
      await this.audit.record(
        ctx,
        {
          action: "import",
          entityType: "training-completion",
          summary: `Training completions imported from ${filename}: ${completions} new, ${newPeople} people added`,
          changes: { filename, rows: preview.rows.length, completions, newPeople },
        },
        trx,
      );
      return { completions, newPeople };
    });
  }
}
