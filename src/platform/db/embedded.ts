import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface EmbeddedDatabase {
  /** Connection string for the `pg` driver (Unix socket in a private folder). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite in its own process. `dataDir` of "memory://" gives a throwaway database (tests).
 * The socket lives in a private temporary folder: Unix socket paths are limited to ~100 bytes.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  if (dataDir !== "memory://") mkdirSync(dataDir, { recursive: true });
  const socketDir = join(
    tmpdir(),
    `steward-pg-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  const script = fileURLToPath(new URL("./embedded-server.mjs", import.meta.url));
  const child = fork(script, [dataDir, socketDir], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) =>
      reject(
        new Error(
          `The embedded database did not start (exit code ${code}). Is ${dataDir} in use by another Steward?`,
        ),
      ),
    );
  });
  child.removeAllListeners("exit");
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`The embedded database process stopped unexpectedly (exit code ${code}).`);
      process.exit(1);
    }
  });
  let stopping = false;
  return {
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`,
    async stop() {
      stopping = true;
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
