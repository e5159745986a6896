import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RunningServer {
  url: string;
  pid: number;
  adminEmail?: string;
  adminPassword?: string;
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts `steward serve` as a user would, in its own process, and waits for "ready". */
export function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  const started = Date.now();
  const child = spawn(process.execPath, ["bin/steward.js", "serve"], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      STEWARD_DATA_DIR: env.STEWARD_DATA_DIR ?? mkdtempSync(join(tmpdir(), "steward-bench-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let url: string | undefined;
    let readyMs = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      url ??= /ready at (http:\/\/[^ ]+)/.exec(out)?.[1];
      if (url && !readyMs) readyMs = Date.now() - started;
      const demo = /as (\S+) with password: (\S+)/.exec(out);
      if (!url || (env.DEMO_DATA !== "false" && !demo)) return;
      resolve({
        url,
        pid: child.pid as number,
        adminEmail: demo?.[1],
        adminPassword: demo?.[2],
        readyMs,
        stop: () =>
          new Promise((r) => {
            if (child.exitCode !== null) return r();
            child.once("exit", () => r());
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Signs in like a browser: fetch the form's CSRF token, post the credentials, keep the cookies. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${url}/sign-in`);
  const anon = form.headers.getSetCookie().map((c) => c.split(";")[0]);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const res = await fetch(`${url}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: anon.join("; ") },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith("steward_session="));
  if (!session) throw new Error(`sign-in failed: ${res.status}`);
  return session.split(";")[0];
}

/** Adds accounts through the "Add a user" form, as an administrator would. */
export async function addUsersThroughForm(
  url: string,
  cookie: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const form = await fetch(`${url}/admin/users/new`, { headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const res = await fetch(`${url}/admin/users`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({
        _csrf: csrf,
        displayName: `Bench Person ${i}`,
        email: `bench.person.${i}.${Date.now()}@example.gov.uk`,
        password: "a long bench password",
        roles: "caseworker",
      }).toString(),
    });
    if (res.status !== 303) throw new Error(`adding a user failed: ${res.status}`);
  }
}
