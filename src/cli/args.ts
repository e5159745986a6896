import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {}

/** node:util parseArgs with errors turned into a UsageError (exit code 2, message on stderr). */
export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Runs a command body, turning known errors into a message and an exit code instead of a stack trace. */
export async function guard(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`steward: ${err.message}`);
      return 2;
    }
    if (err instanceof Error && err.name === "ConfigError") {
      console.error(err.message);
      return 2;
    }
    console.error(`steward: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

export const cliActor = {
  actorId: null,
  actorLabel: `command line (${process.env.USER ?? "unknown user"})`,
};
