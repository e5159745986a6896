import { openRuntime } from "../../platform/runtime.ts";
import { guard } from "../args.ts";

export const summary = "Apply database migrations (start-up does this too)";
export const help = `Usage: steward migrate

Applies the SQL files in src/platform/db/migrations in order and records each one.
Uses DATABASE_URL, or the embedded database in STEWARD_DATA_DIR.`;

export function run(): Promise<number> {
  return guard(async () => {
    const rt = await openRuntime({ log: (m) => console.log(m) });
    console.log("The database is up to date.");
    await rt.close();
    return 0;
  });
}
