import type { z } from "zod";
import type { FormErrors } from "../../platform/web/forms.ts";

export interface Problem {
  field: string;
  message: string;
}

/** The input broke a rule: each problem names its field, for the error summary or the API's `errors`. */
export class RegisterInputError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join("; "));
  }

  static fromZod(error: z.ZodError): RegisterInputError {
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const issue of error.issues) {
      const field = String(issue.path[0] ?? "form");
      if (seen.has(field)) continue;
      seen.add(field);
      problems.push({ field, message: issue.message });
    }
    return new RegisterInputError(problems);
  }

  get formErrors(): FormErrors {
    const errors: FormErrors = { list: [], byField: {} };
    for (const p of this.problems) {
      if (errors.byField[p.field]) continue;
      errors.byField[p.field] = { text: p.message };
      errors.list.push({ text: p.message, href: `#${p.field}` });
    }
    return errors;
  }
}

/** The change conflicts with the register's state (an asset still in use, a taken reference...). */
export class RegisterConflictError extends Error {}
