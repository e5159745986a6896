import { describeSettings, loadConfig } from "../../config.ts";
import { loadDemoData } from "../../modules/demo/demo-data.ts";
import { systemActor } from "../../platform/audit/audit-service.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { buildApp, loggerOptions } from "../../platform/web/app.ts";
import { guard } from "../args.ts";

export const summary = "Start the web server (and background jobs)";
export const help = `Usage: steward serve

Serves Steward at http://HOST:PORT. Without DATABASE_URL it runs an embedded PostgreSQL (PGlite)
in STEWARD_DATA_DIR, applying migrations itself. On first start it loads demo data (unless
DEMO_DATA=false) and prints how to sign in as the demo administrator.

Settings (environment variables):
${describeSettings()}`;

export function run(): Promise<number> {
  return guard(async () => {
    const started = Date.now();
    const config = loadConfig();
    const rt = await openRuntime({ config, log: (m) => console.log(m) });
    const { services } = rt;

    let demo: { adminEmail: string; adminPassword: string } | undefined;
    if (config.DEMO_DATA && !(await services.settings.get("demo.loaded"))) {
      demo = await loadDemoData(services, systemActor);
    }
    const app = await buildApp(services, {
      cookieSecret: rt.cookieSecret,
      logger: loggerOptions(config.LOG_LEVEL),
    });
    if (config.WORKER) services.jobs.start();
    await app.listen({ port: config.PORT, host: config.HOST });
    const url = `http://${config.HOST}:${(app.server.address() as { port: number }).port}`;
    console.log(
      `Steward is ready at ${url} (${services.database.kind === "embedded" ? `embedded database in ${config.dataDir}` : "PostgreSQL server"}; started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (demo) {
      console.log("\nDemo data for the fictional Northmoor District Council has been loaded.");
      console.log(
        `Sign in at ${url}/sign-in as ${demo.adminEmail} with password: ${demo.adminPassword}`,
      );
      console.log("This password is shown once. Run `npx steward demo load` to set a new one.\n");
    }

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    console.log("Stopping…");
    await app.close();
    await rt.close();
    return 0;
  });
}
