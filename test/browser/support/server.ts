import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const READY = /Steward is ready at (http:\/\/\S+)/;
const DEMO_ADMIN = /Sign in at \S+ as (\S+) with password: (\S+)/;
const START_TIMEOUT_MS = 120_000;

export interface RunningServer {
  baseUrl: string;
  admin: { email: string; password: string };
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A fresh database on the DATABASE_URL server, or nothing when Steward should use embedded PGlite. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `steward_browser_${randomBytes(6).toString("hex")}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts `steward serve` as a user would, on a free port with a fresh data directory and database. */
export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "steward-browser-"));
  const database = await createDatabase();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STEWARD_DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DEMO_DATA: "true",
  };
  if (database) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;

  const child = spawn(process.execPath, ["bin/steward.js", "serve"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // If the test process ends abruptly (a timeout, Ctrl-C), take the server down with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });

  const cleanUp = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!(await waitForExit(child, 15_000))) {
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  };

  try {
    const { baseUrl, email, password } = await new Promise<{
      baseUrl: string;
      email: string;
      password: string;
    }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`steward serve did not start in time. Output:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const check = () => {
        const ready = READY.exec(output);
        const admin = DEMO_ADMIN.exec(output);
        if (ready && admin) {
          clearTimeout(timer);
          resolve({ baseUrl: ready[1], email: admin[1], password: admin[2] });
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`steward serve exited early (code ${code}). Output:\n${output}`));
      });
    });
    return {
      baseUrl,
      admin: { email, password },
      output: () => output,
      stop: cleanUp,
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}
