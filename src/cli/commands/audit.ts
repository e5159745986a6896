import cliProgress from "cli-progress";
import { openRuntime } from "../../platform/runtime.ts";
import { guard, UsageError } from "../args.ts";

export const summary = "Check the audit trail's hash chain";
export const help = `Usage: steward audit verify

Recomputes every audit entry's hash in order and checks each links to the one before.
Exit code 0 when the whole chain holds; 1 naming the first broken entry otherwise.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    if (args[0] !== "verify") throw new UsageError("usage: steward audit verify");
    const rt = await openRuntime();
    try {
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: "Checking {bar} {value}/{total} entries" },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const result = await rt.services.audit.verify((checked, total) => {
        if (bar && !started) {
          bar.start(total, 0);
          started = true;
        }
        bar?.update(checked);
      });
      bar?.stop();
      if (result.ok) {
        console.log(`The audit trail is intact: ${result.checked} entries checked.`);
        return 0;
      }
      console.log(
        `The audit trail is BROKEN at entry ${result.brokenId}: ${result.reason}. ${result.checked} entries before it are intact.`,
      );
      return 1;
    } finally {
      await rt.close();
    }
  });
}
