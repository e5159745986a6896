/**
 * The clock of one case: the deadline as it stands after the case's events, the earlier due
 * dates and what changed them.
 *
 * FOI, EIR, internal review, EIR reconsideration, police:
 * - clarification requested: the clock stops; clarification received: it starts again from that
 *   day (FOIA s.1(3) and s.10(6): the date of receipt becomes the day the clarification arrives).
 * - fees notice issued / fee paid (FOI and EIR only): the working days from the day the notice is
 *   given to the day the fee is received, both included, are disregarded (FOIA s.10(2)); the due
 *   date moves later by the working days so disregarded that fall before it. Until the fee is paid
 *   the case is on hold.
 * UK GDPR data-rights requests: the month runs from the latest of the request, the identity
 * evidence, the clarification and (exceptionally) the fee; while one of those is awaited the case
 * is on hold.
 * extension applied: the extended limit from then on (where the law allows one).
 */
import { type IsoDate, isoDateProblem } from "./dates.ts";
import {
  type CheckedDeadlineInput,
  checkDeadlineInput,
  type DeadlineInput,
  DeadlineInputError,
} from "./deadline-input.ts";
import { type DeadlineResult, deadlineFor } from "./deadlines.ts";
import type { Pause } from "./working-days.ts";

export const CASE_EVENT_TYPES = [
  "clarification-requested",
  "clarification-received",
  "fees-notice-issued",
  "fee-paid",
  "identity-requested",
  "identity-received",
  "extension-applied",
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export interface CaseEvent {
  type: CaseEventType;
  date: IsoDate;
}

export interface CaseClockInput extends DeadlineInput {
  events?: CaseEvent[];
}

export interface DueDateChange {
  /** When it happened. */
  date: IsoDate;
  event: CaseEventType | "received";
  /** Due date before the event (null: on hold or not yet set). */
  previousDue: IsoDate | null;
  /** Due date after the event (null: on hold). */
  due: IsoDate | null;
  reason: string;
}

export interface CaseClockResult {
  type: DeadlineResult["type"];
  received: IsoDate;
  status: "running" | "on-hold";
  /** The current due date; null while the case is on hold. */
  due: IsoDate | null;
  /** What the clock is waiting for, while on hold. */
  waitingFor?: string;
  /** The current calculation, when the clock is running. */
  deadline?: DeadlineResult;
  history: DueDateChange[];
  notes: string[];
  explanation: string;
}

interface ClockState {
  clockStart: IsoDate;
  clockStartReason?: string;
  extended: boolean;
  pauses: Pause[];
  awaiting: Map<"clarification" | "fee" | "identity", IsoDate>;
}

const WAITING_NAMES = {
  clarification: "clarification",
  fee: "the fee",
  identity: "identity evidence",
};

function checkEvents(events: unknown, received: IsoDate): CaseEvent[] {
  if (events === undefined) return [];
  if (!Array.isArray(events)) throw new DeadlineInputError("events", "events must be a list");
  for (const event of events as CaseEvent[]) {
    if (!(CASE_EVENT_TYPES as readonly string[]).includes(event?.type)) {
      throw new DeadlineInputError(
        "events",
        `unknown case event '${event?.type}': expected one of ${CASE_EVENT_TYPES.join(", ")}`,
      );
    }
    const problem = isoDateProblem(event.date);
    if (problem) throw new DeadlineInputError("events", `${event.type} date: ${problem}`);
    if (event.date < received) {
      throw new DeadlineInputError("events", `${event.type} on ${event.date} is before receipt`);
    }
  }
  // Stable sort keeps same-day events in the order given.
  return [...(events as CaseEvent[])].sort((a, b) => a.date.localeCompare(b.date));
}

function currentDue(input: CheckedDeadlineInput, state: ClockState): DeadlineResult | undefined {
  if (state.awaiting.size > 0) return undefined;
  return deadlineFor(
    { ...input, extended: state.extended },
    {
      clockStart: state.clockStart,
      clockStartReason: state.clockStartReason,
      pauses: state.pauses,
    },
  );
}

/** Applies one event to the state; returns a note if the event has no effect for this type. */
function applyEvent(input: CheckedDeadlineInput, state: ClockState, event: CaseEvent) {
  const dataRights = input.type === "sar";
  const feesPause = input.type === "foi" || input.type === "eir";
  const startLater = (reason: string) => {
    if (event.date > state.clockStart) {
      state.clockStart = event.date;
      state.clockStartReason = reason;
    }
  };
  switch (event.type) {
    case "clarification-requested":
      state.awaiting.set("clarification", event.date);
      return undefined;
    case "clarification-received":
      state.awaiting.delete("clarification");
      if (dataRights) {
        startLater("clarification received");
      } else {
        // A fresh date of receipt: earlier pauses fall before it and no longer matter.
        state.clockStart = event.date;
        state.clockStartReason = "clarification received";
      }
      return undefined;
    case "fees-notice-issued":
      if (!feesPause && !dataRights) return `A fees notice does not affect a ${input.type} clock.`;
      state.awaiting.set("fee", event.date);
      return undefined;
    case "fee-paid": {
      const noticeDate = state.awaiting.get("fee");
      state.awaiting.delete("fee");
      if (dataRights) {
        startLater("fee received");
      } else if (feesPause && noticeDate) {
        state.pauses.push({
          from: noticeDate,
          to: event.date,
          reason: `fees notice issued ${noticeDate}, fee received ${event.date} (${input.type === "foi" ? "FOIA s.10(2)" : "EIR reg 8"})`,
        });
      } else if (feesPause) {
        return `Fee paid on ${event.date} with no fees notice recorded: the clock was not paused.`;
      } else {
        return `A fee does not affect a ${input.type} clock.`;
      }
      return undefined;
    }
    case "identity-requested":
      if (!dataRights)
        return "Identity is not needed for this request type; the event was ignored.";
      state.awaiting.set("identity", event.date);
      return undefined;
    case "identity-received":
      if (!dataRights)
        return "Identity is not needed for this request type; the event was ignored.";
      state.awaiting.delete("identity");
      startLater("identity evidence received");
      return undefined;
    case "extension-applied":
      state.extended = true;
      return undefined;
  }
}

function describeChange(event: CaseEvent, before: IsoDate | null, after: IsoDate | null): string {
  const label = event.type.replaceAll("-", " ");
  if (after === null) return `${event.date}: ${label}; the clock is on hold.`;
  if (before === null) return `${event.date}: ${label}; the clock runs again, due ${after}.`;
  return `${event.date}: ${label}; due date moved from ${before} to ${after}.`;
}

export function calculateCaseClock(input: CaseClockInput): CaseClockResult {
  const checked = checkDeadlineInput(input);
  const events = checkEvents(input.events, checked.received);
  const state: ClockState = {
    clockStart: checked.received,
    extended: checked.extended,
    pauses: [],
    awaiting: new Map(),
  };
  const notes: string[] = [];
  let deadline = currentDue(checked, state);
  const history: DueDateChange[] = [
    {
      date: checked.received,
      event: "received",
      previousDue: null,
      due: deadline?.due ?? null,
      reason: `${checked.received}: request received, due ${deadline?.due}.`,
    },
  ];

  for (const event of events) {
    const note = applyEvent(checked, state, event);
    if (note) notes.push(`${event.date} ${event.type}: ${note}`);
    const before = deadline?.due ?? null;
    deadline = currentDue(checked, state);
    const after = deadline?.due ?? null;
    if (after !== before) {
      history.push({
        date: event.date,
        event: event.type,
        previousDue: before,
        due: after,
        reason: describeChange(event, before, after),
      });
    }
  }

  const waiting = [...state.awaiting.entries()].map(
    ([what, since]) => `${WAITING_NAMES[what]} (requested ${since})`,
  );
  const lines = history.map((change) => change.reason);
  lines.push(...notes);
  if (deadline) {
    lines.push(`Current deadline: ${deadline.explanation}`);
  } else {
    lines.push(`On hold: waiting for ${waiting.join(" and ")}. No due date until it arrives.`);
  }
  return {
    type: checked.type,
    received: checked.received,
    status: deadline ? "running" : "on-hold",
    due: deadline?.due ?? null,
    ...(deadline ? { deadline } : { waitingFor: waiting.join(" and ") }),
    history,
    notes,
    explanation: lines.join("\n"),
  };
}
