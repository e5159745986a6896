/**
 * The 72-hour clock of UK GDPR Art. 33(1): notify the ICO without undue delay and, where feasible,
 * within 72 hours of becoming aware of a personal data breach. These are clock hours — weekends and
 * bank holidays count — measured between instants, so a clock change in between changes the wall-clock
 * time of the deadline, never the 72 hours.
 */
export const NOTIFY_WITHIN_HOURS = 72;
const HOUR_MS = 3_600_000;

/** Hours left at which the DPO and SIRO are alerted, each once; 0 is the moment the clock runs out. */
export const ALERT_POINTS = [48, 24, 12, 4, 0] as const;

export type ClockState =
  | "running"
  | "overdue"
  | "reported-in-time"
  | "reported-late"
  | "not-reportable";

export interface BreachClock {
  awareAt: Date;
  deadline: Date;
  state: ClockState;
  /** Milliseconds left before the deadline (negative once past); for a reported breach, at the report. */
  msLeft: number;
  /** Whole hours left, rounded down (so "3 hours left" means at least 3). Negative when overdue. */
  hoursLeft: number;
  /** How long it took to report, when it has been reported. */
  msToReport: number | null;
  /** What to show: "41 hours left", "Overdue by 3 hours", "Reported to the ICO after 40 hours 12 minutes". */
  label: string;
  /** For the tag colour: "red" when 4 hours or fewer are left or the clock has run out. */
  urgency: "none" | "low" | "medium" | "high";
  /** A reason for delay must be recorded (Art. 33(1)): reported after 72 hours, or not yet and overdue. */
  delayReasonRequired: boolean;
}

export interface ClockInput {
  awareAt: Date;
  /** When the ICO was notified, if it has been. */
  icoNotifiedAt?: Date | null;
  /** The recorded decision is that the breach is not reportable: the clock stops. */
  notReportable?: boolean;
}

export function deadlineFor(awareAt: Date): Date {
  return new Date(awareAt.getTime() + NOTIFY_WITHIN_HOURS * HOUR_MS);
}

/** "40 hours 12 minutes", "1 hour", "35 minutes". */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const h = hours === 1 ? "1 hour" : `${hours} hours`;
  const m = minutes === 1 ? "1 minute" : `${minutes} minutes`;
  if (hours === 0) return m;
  return minutes === 0 ? h : `${h} ${m}`;
}

function hoursOnly(ms: number): string {
  const hours = Math.floor(Math.abs(ms) / HOUR_MS);
  if (hours === 0) {
    const minutes = Math.floor(Math.abs(ms) / 60_000);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

export function breachClock(input: ClockInput, now: Date): BreachClock {
  const deadline = deadlineFor(input.awareAt);
  const base = { awareAt: input.awareAt, deadline };
  if (input.icoNotifiedAt) {
    const msToReport = input.icoNotifiedAt.getTime() - input.awareAt.getTime();
    const msLeft = deadline.getTime() - input.icoNotifiedAt.getTime();
    const late = msLeft < 0;
    return {
      ...base,
      state: late ? "reported-late" : "reported-in-time",
      msLeft,
      hoursLeft: Math.floor(msLeft / HOUR_MS),
      msToReport,
      label: `Reported to the ICO after ${formatDuration(msToReport)}${late ? " (over 72 hours)" : ""}`,
      urgency: "none",
      delayReasonRequired: late,
    };
  }
  const msLeft = deadline.getTime() - now.getTime();
  if (input.notReportable) {
    return {
      ...base,
      state: "not-reportable",
      msLeft,
      hoursLeft: Math.floor(msLeft / HOUR_MS),
      msToReport: null,
      label: "Not reportable: the clock has stopped",
      urgency: "none",
      delayReasonRequired: false,
    };
  }
  if (msLeft <= 0) {
    return {
      ...base,
      state: "overdue",
      msLeft,
      hoursLeft: Math.floor(msLeft / HOUR_MS),
      msToReport: null,
      label: `Overdue by ${hoursOnly(msLeft)}`,
      urgency: "high",
      delayReasonRequired: true,
    };
  }
  const hoursLeft = Math.floor(msLeft / HOUR_MS);
  return {
    ...base,
    state: "running",
    msLeft,
    hoursLeft,
    msToReport: null,
    label: `${hoursOnly(msLeft)} left`,
    urgency: msLeft <= 4 * HOUR_MS ? "high" : msLeft <= 24 * HOUR_MS ? "medium" : "low",
    delayReasonRequired: false,
  };
}

/** The alert points already reached at `now`, most urgent last (e.g. [48, 24] with 20 hours left). */
export function alertPointsReached(awareAt: Date, now: Date): number[] {
  const deadline = deadlineFor(awareAt).getTime();
  return ALERT_POINTS.filter((h) => now.getTime() >= deadline - h * HOUR_MS);
}

export function alertSubject(point: number): string {
  return point === 0
    ? "the 72 hours to notify the ICO have run out"
    : `${point} hours left to notify the ICO`;
}
