/**
 * Checking deadline requests from the command line, the HTTP API or a case record.
 * validateDeadlineInput returns the problem as a message so a route can send a 400.
 */
import { DIVISIONS, type Division, isDivision } from "./bank-holidays.ts";
import { type IsoDate, isoDateProblem } from "./dates.ts";
import {
  type DataRight,
  DEADLINE_TYPES,
  DEFAULT_POLICE_TARGET_DAYS,
  type DeadlineType,
  TYPE_ALIASES,
} from "./deadline-rules.ts";
import { type Calendar, shippedCalendar } from "./working-days.ts";

export class DeadlineInputError extends Error {
  override name = "DeadlineInputError";
  /** The input field at fault ("type", "received", ...), for problem+json responses. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export interface DeadlineInput {
  type: string;
  received: string;
  /** true/false, or "true"/"false" straight from a query string. */
  extended?: boolean | string;
  /** The organisation's own part of the UK (SAR roll-forward, police target). */
  division?: Division | string;
  policeTargetDays?: number | string;
  calendar?: Calendar;
}

export interface CheckedDeadlineInput {
  type: DeadlineType;
  right?: DataRight;
  received: IsoDate;
  extended: boolean;
  division: Division;
  policeTargetDays: number;
  calendar: Calendar;
}

export const DEFAULT_DIVISION: Division = "england-and-wales";

export function parseDeadlineType(value: unknown): { type: DeadlineType; right?: DataRight } {
  const name = typeof value === "string" ? value.trim().toLowerCase() : "";
  if ((DEADLINE_TYPES as readonly string[]).includes(name)) {
    const type = name as DeadlineType;
    return type === "sar" ? { type, right: "access" } : { type };
  }
  const alias = TYPE_ALIASES[name];
  if (alias) return alias;
  const shown = typeof value === "string" && value !== "" ? `'${value}'` : "nothing";
  throw new DeadlineInputError(
    "type",
    `unknown request type ${shown}: expected one of ${DEADLINE_TYPES.join(", ")}`,
  );
}

function parseExtended(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new DeadlineInputError("extended", `extended must be true or false, not '${value}'`);
}

function parseDivision(value: unknown): Division {
  if (value === undefined || value === null || value === "") return DEFAULT_DIVISION;
  if (isDivision(value)) return value;
  throw new DeadlineInputError(
    "division",
    `unknown division '${value}': expected one of ${DIVISIONS.join(", ")}`,
  );
}

function parseTargetDays(value: unknown): number {
  if (value === undefined || value === null || value === "") return DEFAULT_POLICE_TARGET_DAYS;
  const days = typeof value === "number" ? value : Number(value);
  if (typeof value === "string" && !/^\d+$/.test(value.trim())) {
    throw new DeadlineInputError("policeTargetDays", `target days must be a whole number`);
  }
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new DeadlineInputError("policeTargetDays", "target days must be between 1 and 365");
  }
  return days;
}

export function parseReceivedDate(value: unknown, field = "received"): IsoDate {
  const problem = isoDateProblem(value);
  if (problem) throw new DeadlineInputError(field, `${field} date: ${problem}`);
  return value as IsoDate;
}

/** Checks and normalises the input; throws DeadlineInputError. */
export function checkDeadlineInput(input: DeadlineInput): CheckedDeadlineInput {
  const { type, right } = parseDeadlineType(input?.type);
  return {
    type,
    ...(right ? { right } : {}),
    received: parseReceivedDate(input.received),
    extended: parseExtended(input.extended),
    division: parseDivision(input.division),
    policeTargetDays: parseTargetDays(input.policeTargetDays),
    calendar: input.calendar ?? shippedCalendar(),
  };
}

/** The problem with the input as a message for the user, or undefined if it is usable. */
export function validateDeadlineInput(input: DeadlineInput): string | undefined {
  try {
    checkDeadlineInput(input);
    return undefined;
  } catch (error) {
    if (error instanceof DeadlineInputError) return error.message;
    throw error;
  }
}
