import { backupDatabase } from "../../platform/backup/backup-service.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { guard, UsageError } from "../args.ts";

export const summary = "Write a consistent copy of the whole database to a file";
export const help = `Usage: steward backup FILE

Writes every table from one consistent snapshot to FILE (gzipped JSON lines), from the
embedded database or the PostgreSQL server (DATABASE_URL). Load it with \`steward restore FILE\`.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const file = args[0];
    if (!file) throw new UsageError("usage: steward backup FILE");
    const rt = await openRuntime();
    try {
      const { tables, rows } = await backupDatabase(rt.services.db, file, (table, n) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${table}: ${n} rows          `);
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
      console.log(`Backed up ${rows} rows from ${tables} tables to ${file}.`);
      return 0;
    } finally {
      await rt.close();
    }
  });
}
