import { loadDemoData } from "../../modules/demo/demo-data.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { cliActor, guard, UsageError } from "../args.ts";

export const summary = "Load demo data for a fictional council";
export const help = `Usage: steward demo load

Loads clearly-labelled demo data for the fictional Northmoor District Council (service areas,
governance roles, staff accounts on the example.gov.uk domain) and prints a new password for the
demo administrator. Safe to run again: existing demo records are kept, the password is renewed.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    if (args[0] !== "load") throw new UsageError("usage: steward demo load");
    const rt = await openRuntime();
    try {
      const { adminEmail, adminPassword } = await loadDemoData(rt.services, cliActor);
      console.log(`Demo data loaded. Sign in as ${adminEmail} with password ${adminPassword}`);
    } finally {
      await rt.close();
    }
    return 0;
  });
}
