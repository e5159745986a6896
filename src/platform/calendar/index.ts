/** The statutory clock library: import from here rather than from the individual files. */
export {
  type BankHoliday,
  DIVISION_NAMES,
  DIVISIONS,
  type Division,
  describeDivisions,
  isDivision,
  shippedBankHolidays,
} from "./bank-holidays.ts";
export {
  CASE_EVENT_TYPES,
  type CaseClockInput,
  type CaseClockResult,
  type CaseEvent,
  type CaseEventType,
  calculateCaseClock,
  type DueDateChange,
} from "./case-clock.ts";
export { addCalendarMonths, type IsoDate, isIsoDate, isoDateProblem } from "./dates.ts";
export {
  type CheckedDeadlineInput,
  checkDeadlineInput,
  DEFAULT_DIVISION,
  type DeadlineInput,
  DeadlineInputError,
  validateDeadlineInput,
} from "./deadline-input.ts";
export {
  DATA_RIGHTS,
  type DataRight,
  DEADLINE_TYPES,
  DEFAULT_POLICE_TARGET_DAYS,
  type DeadlineType,
  ruleFor,
} from "./deadline-rules.ts";
export { calculateDeadline, type DeadlineResult, deadlineFor } from "./deadlines.ts";
export { ruleBasedBankHolidays } from "./holiday-rules.ts";
export {
  type AddedHoliday,
  addWorkingDays,
  type Calendar,
  type CalendarAdjustments,
  createCalendar,
  type NonWorkingDay,
  type Pause,
  type RemovedHoliday,
  rollForwardToWorkingDay,
  shippedCalendar,
  type WorkingDayScope,
} from "./working-days.ts";
