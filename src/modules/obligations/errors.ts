import { type FormErrors, fieldError } from "../../platform/web/forms.ts";

/** The person's input broke a rule of a register; `field` names the form field to point at. */
export class ObligationInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }

  get formErrors(): FormErrors {
    return fieldError(this.field, this.message);
  }
}

/** The record is in a state that does not allow this (under a legal hold, already disposed of...). */
export class ObligationConflictError extends Error {}
