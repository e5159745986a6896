/**
 * `steward deadline TYPE RECEIVED`: the due date of a request, and how it was worked out.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DIVISIONS } from "../../platform/calendar/bank-holidays.ts";
import { calculateDeadline, DeadlineInputError } from "../../platform/calendar/deadlines.ts";
import {
  type Calendar,
  type CalendarAdjustments,
  createCalendar,
} from "../../platform/calendar/working-days.ts";

export const summary = "Work out a statutory response deadline and explain it";

export const help = `Usage: steward deadline TYPE RECEIVED [--extended] [--json]
                        [--division DIVISION] [--target-days N]

Prints the due date (YYYY-MM-DD) on the first line, then how it was worked out.

TYPE
  foi                  FOIA s.10: 20 working days (--extended: 40, public interest test)
  eir                  EIR reg 5: 20 working days (--extended: 40, complex and voluminous)
  sar                  UK GDPR Art. 12(3): one month, rolled to a working day
                       (--extended: three months). Also: rectification, erasure,
                       restriction, objection, portability
  internal-review      s.45 Code: 20 working days (--extended: 40, exceptional)
  eir-reconsideration  EIR reg 11(4): 40 working days (cannot be extended)
  police               DPA 2018 Sch. 2: local target, --target-days N (default 10)

RECEIVED   the date of receipt, YYYY-MM-DD

Options
  --extended           apply the permitted extension
  --division D         the organisation's part of the UK, for SAR and police:
                       ${DIVISIONS.join(", ")} (default england-and-wales)
  --target-days N      police requests: the local target in working days
  --json               print the full result as JSON
  --calendar FILE      bank holidays added or removed by the council, as Steward
                       writes them (default: calendar-adjustments.json in
                       STEWARD_DATA_DIR, ./data, when it exists)
  --shipped-calendar   only the bank holidays shipped with Steward

FOI and EIR working days exclude weekends and bank holidays in ANY part of the UK.
Steward ships the bank holidays of England and Wales, Scotland and Northern Ireland;
an administrator's changes (a state funeral) apply here as on the case pages.

Exit codes: 0 done, 2 bad arguments.`;

interface DeadlineArgs {
  type?: string;
  received?: string;
  extended: boolean;
  json: boolean;
  division?: string;
  targetDays?: string;
  calendarFile?: string;
  shippedCalendar: boolean;
}

class UsageError extends Error {}

function optionValue(args: string[], index: number, name: string): string {
  const value = args[index + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
  return value;
}

function parseArgs(args: string[]): DeadlineArgs {
  const parsed: DeadlineArgs = { extended: false, json: false, shippedCalendar: false };
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [flag, inline] = arg.startsWith("--") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = optionValue(args, index, flag);
      index++;
      return next;
    };
    if (flag === "--extended") parsed.extended = true;
    else if (flag === "--json") parsed.json = true;
    else if (flag === "--division") parsed.division = value();
    else if (flag === "--target-days") parsed.targetDays = value();
    else if (flag === "--calendar") parsed.calendarFile = value();
    else if (flag === "--shipped-calendar") parsed.shippedCalendar = true;
    else if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length > 2) throw new UsageError(`unexpected argument '${positional[2]}'`);
  [parsed.type, parsed.received] = positional;
  if (!parsed.type) throw new UsageError("missing TYPE and RECEIVED date");
  if (!parsed.received) throw new UsageError("missing RECEIVED date (YYYY-MM-DD)");
  return parsed;
}

/** The council's calendar changes, from --calendar or the data folder; none with --shipped-calendar. */
function councilCalendar(options: DeadlineArgs): { calendar: Calendar; file: string } | undefined {
  if (options.shippedCalendar) return undefined;
  const file = options.calendarFile
    ? resolve(options.calendarFile)
    : join(resolve(process.env.STEWARD_DATA_DIR || "./data"), "calendar-adjustments.json");
  if (!existsSync(file)) {
    if (options.calendarFile) throw new UsageError(`no calendar file at ${file}`);
    return undefined;
  }
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as CalendarAdjustments;
    const adjustments = { added: parsed.added ?? [], removed: parsed.removed ?? [] };
    // No changes: the shipped calendar, and nothing to say about it.
    if (adjustments.added.length + adjustments.removed.length === 0) return undefined;
    return { calendar: createCalendar(adjustments), file };
  } catch (error) {
    throw new UsageError(`cannot read the calendar file ${file}: ${(error as Error).message}`);
  }
}

export async function run(args: string[]): Promise<number> {
  try {
    const options = parseArgs(args);
    const local = councilCalendar(options);
    const result = calculateDeadline({
      calendar: local?.calendar,
      type: options.type ?? "",
      received: options.received ?? "",
      extended: options.extended,
      division: options.division,
      policeTargetDays: options.targetDays,
    });
    if (local) {
      const note = `Bank holidays include the council's own changes in ${local.file}.`;
      result.steps.push(note);
      result.explanation = `${result.explanation} ${note}`;
    }
    // One write, so that `| head -1` gets the whole output before closing the pipe.
    const output = options.json
      ? JSON.stringify({ ...result, calendarFile: local?.file ?? null }, null, 2)
      : [result.due, ...result.steps].join("\n");
    process.stdout.write(`${output}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof DeadlineInputError) {
      console.error(`steward deadline: ${error.message}`);
      console.error("Usage: steward deadline TYPE RECEIVED [--extended] [--json] (see --help)");
      return 2;
    }
    throw error;
  }
}
