/** An error caused by the user's input (missing file, bad column...): shown without a stack trace. */
export class MatchInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MatchInputError";
  }
}
