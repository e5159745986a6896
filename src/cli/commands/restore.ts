import { BackupError, restoreDatabase } from "../../platform/backup/backup-service.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { guard, UsageError } from "../args.ts";

export const summary = "Load a backup into an empty database";
export const help = `Usage: steward restore FILE

Loads a file written by \`steward backup\` into an empty database (a new STEWARD_DATA_DIR, or a
new database named in DATABASE_URL). It applies whole or not at all.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const file = args[0];
    if (!file) throw new UsageError("usage: steward restore FILE");
    const rt = await openRuntime({
      config: { ...(await import("../../config.ts")).loadConfig(), DEMO_DATA: false },
    });
    try {
      const { tables, rows } = await restoreDatabase(rt.services.db, file, (table, n) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${table}: ${n} rows          `);
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
      console.log(`Restored ${rows} rows into ${tables} tables from ${file}.`);
      return 0;
    } catch (err) {
      if (err instanceof BackupError) throw new UsageError(err.message);
      throw err;
    } finally {
      await rt.close();
    }
  });
}
