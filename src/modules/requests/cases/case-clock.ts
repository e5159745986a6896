import {
  type Calendar,
  type CaseClockResult,
  type CaseEvent,
  type CaseEventType,
  calculateCaseClock,
  type Division,
  type IsoDate,
} from "../../../platform/calendar/index.ts";
import type { RequestType, Status } from "./vocabulary.ts";

export interface ClockSubject {
  type: RequestType;
  dataRight: string | null;
  received: IsoDate;
  policeTargetDays: number | null;
  events: { type: string; date: IsoDate }[];
}

export interface ClockSettings {
  division: Division;
  policeTargetDays: number;
  calendar: Calendar;
}

/** The clock of a case from its events, with the council's calendar; undefined for ICO complaints (the ICO sets the date). */
export function clockOf(
  subject: ClockSubject,
  settings: ClockSettings,
): CaseClockResult | undefined {
  if (subject.type === "ico-complaint") return undefined;
  const type = subject.type === "sar" ? (subject.dataRight ?? "sar") : subject.type;
  return calculateCaseClock({
    type,
    received: subject.received,
    division: settings.division,
    policeTargetDays: subject.policeTargetDays ?? settings.policeTargetDays,
    calendar: settings.calendar,
    events: subject.events.map((e) => ({ type: e.type as CaseEventType, date: e.date })),
  });
}

/** What the case is waiting for, as a state, from the events in date order. */
export function statusAfterEvents(
  current: Status,
  events: CaseEvent[],
  clock: CaseClockResult | undefined,
): Status {
  if (current === "closed" || current === "withdrawn") return current;
  if (clock?.status === "on-hold") {
    const waiting = clock.waitingFor ?? "";
    if (waiting.startsWith("identity")) return "awaiting-identity";
    if (waiting.startsWith("the fee")) return "awaiting-fee";
    return "awaiting-clarification";
  }
  if (events.some((e) => e.type === "extension-applied")) return "extended";
  if (current.startsWith("awaiting-") || current === "extended") return "in-progress";
  return current;
}
