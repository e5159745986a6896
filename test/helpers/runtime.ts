import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config.ts";
import { generatePassword } from "../../src/platform/auth/passwords.ts";
import type { Role } from "../../src/platform/auth/roles.ts";
import { openRuntime, type Runtime } from "../../src/platform/runtime.ts";
import { buildApp, type StewardApp } from "../../src/platform/web/app.ts";

export interface TestContext {
  rt: Runtime;
  app: StewardApp;
  services: Runtime["services"];
  /** Connection string of this test's own database (a privileged connection, for tampering tests). */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * A fresh database per test file: an in-memory PGlite by default, or with DATABASE_URL set a new
 * database on that PostgreSQL server, dropped afterwards. The same suite runs on both.
 */
export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const serverUrl = process.env.DATABASE_URL;
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    dbName = `steward_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  // Files a test stores (uploads, letters, the calendar export) go to its own folder, not ./data.
  const dataDir = overrides.dataDir ? undefined : mkdtempSync(join(tmpdir(), "steward-test-"));
  const config: Config = {
    ...loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      SESSION_CACHE_SECONDS: "0",
      ...(dataDir ? { STEWARD_DATA_DIR: dataDir } : {}),
    }),
    DATABASE_URL: databaseUrl,
    DEMO_DATA: false,
    ...overrides,
  };
  const rt = await openRuntime({ config, embeddedDir: "memory://" });
  const app = await buildApp(rt.services, { cookieSecret: rt.cookieSecret });
  await app.ready();
  return {
    rt,
    app,
    services: rt.services,
    databaseUrl: rt.services.database.url,
    async close() {
      await app.close();
      await rt.close();
      if (serverUrl && dbName) {
        const admin = new pg.Client({ connectionString: serverUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export async function createUser(
  ctx: TestContext,
  roles: Role[] = [],
  password = generatePassword(),
) {
  counter++;
  const user = await ctx.services.users.create(
    { actorId: null, actorLabel: "test" },
    {
      email: `user${counter}.${randomBytes(3).toString("hex")}@test.example.gov.uk`,
      displayName: `Test User ${counter}`,
      password,
      roles,
    },
  );
  return { ...user, password };
}
