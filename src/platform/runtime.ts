import { type Config, loadConfig } from "../config.ts";
import { newSecret } from "./auth/tokens.ts";
import { openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { createServices, type Services } from "./services.ts";

export interface Runtime {
  services: Services;
  cookieSecret: string;
  close(): Promise<void>;
}

/** Opens the database (embedded or server), applies migrations and builds the services. Used by every command. */
export async function openRuntime(
  options: { config?: Config; log?: (msg: string) => void; embeddedDir?: string } = {},
): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const database = await openDatabase(config, { embeddedDir: options.embeddedDir });
  try {
    await migrate(database.db, options.log);
    const services = createServices(config, database, (msg, extra) =>
      options.log?.(`${msg}${extra ? ` ${JSON.stringify(extra)}` : ""}`),
    );
    // Outside production a secret is made once per database, so sessions survive restarts.
    const cookieSecret =
      config.SESSION_SECRET ??
      (await services.settings.getOrCreate("cookie-secret", () => newSecret(32)));
    return {
      services,
      cookieSecret,
      async close() {
        await services.jobs.stop();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
