import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export const DOVECOT_PATH = "/usr/sbin/dovecot";

/** Why IMAP tests cannot run here, or undefined when they can. */
export function dovecotMissing(): string | undefined {
  return existsSync(DOVECOT_PATH)
    ? undefined
    : `IMAP tests skipped: no ${DOVECOT_PATH} (install it with 'apt-get install -y dovecot-imapd')`;
}

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imap://user:password@host:port/INBOX, as REQUESTS_IMAP_URL takes it. */
  url(password?: string): string;
  /** Changes the mailbox's password on the server (Dovecot rereads its passwd file). */
  setPassword(password: string): Promise<void>;
  /** The server's own log, to show when a test fails. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its IMAP greeting. */
async function waitForGreeting(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with code ${child.exitCode}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.setTimeout(1000);
      socket.once("data", (d) => {
        socket.destroy();
        resolve(d.toString().startsWith("* OK"));
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("dovecot did not greet within the time allowed");
}

/**
 * A private Dovecot IMAP server for tests: its own configuration, passwd file, maildir, sockets and log
 * in a temporary directory, on a free 127.0.0.1 port, plaintext sign-in allowed, no TLS. It runs as
 * the current user; as root (CI) Dovecot refuses to run its login process or to store mail as root,
 * so then it uses the `dovecot` and `dovenull` accounts the Debian package creates.
 */
export async function startDovecot(
  options: { user?: string; password?: string; timeoutMs?: number } = {},
): Promise<Dovecot> {
  const user = options.user ?? "requests";
  const password = options.password ?? "correct horse battery staple";
  const dir = await mkdtemp(join(tmpdir(), "steward-dovecot-"));
  const me = userInfo();
  const asRoot = me.uid === 0;
  const internalUser = asRoot ? "dovecot" : me.username;
  const loginUser = asRoot ? "dovenull" : me.username;
  const group = asRoot
    ? "dovecot"
    : execFileSync("id", ["-gn"], { encoding: "utf8" }).trim() || String(me.gid);
  for (const sub of ["run", "state", "mail", "home"]) await mkdir(join(dir, sub));
  if (asRoot) {
    // The login process (dovenull) reaches the sockets in base_dir; mail is stored as dovecot.
    await chmod(dir, 0o755);
    const uid = Number(execFileSync("id", ["-u", "dovecot"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "dovecot"], { encoding: "utf8" }).trim());
    for (const sub of ["mail", "home"]) await chown(join(dir, sub), uid, gid);
  }
  const setPassword = (pass: string) =>
    writeFile(join(dir, "passwd"), `${user}:{PLAIN}${pass}::::\n`, { mode: 0o644 });
  await setPassword(password);

  const conf = join(dir, "dovecot.conf");
  const start = async (port: number) => {
    await writeFile(
      conf,
      `# A private test instance; see test/helpers/dovecot.ts
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Refuse a wrong password at once. (Dovecot still makes the next sign-in from the same address
# wait a few seconds after a refusal; that penalty cannot be switched off.)
auth_failure_delay = 0
default_internal_user = ${internalUser}
default_login_user = ${loginUser}
default_internal_group = ${group}
first_valid_uid = 1
first_valid_gid = 0
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${internalUser} gid=${group} home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service auth-worker {
  user = ${internalUser}
}
namespace inbox {
  inbox = yes
}
`,
    );
    const child = spawn(DOVECOT_PATH, ["-F", "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    try {
      await waitForGreeting(port, child, Date.now() + (options.timeoutMs ?? 15_000));
      return child;
    } catch (err) {
      child.kill("SIGKILL");
      const log = await readFile(join(dir, "dovecot.log"), "utf8").catch(() => "");
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}\n${output}\n${log.slice(-2000)}`,
      );
    }
  };

  // A port found free can be taken before dovecot binds it: try another.
  let child: ChildProcess | undefined;
  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    child = await start(port).catch((err) => {
      lastError = err;
      return undefined;
    });
  }
  if (!child) {
    await rm(dir, { recursive: true, force: true });
    throw lastError;
  }
  const running = child;

  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    url: (pass = password) =>
      `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/INBOX`,
    setPassword,
    log: () => readFile(join(dir, "dovecot.log"), "utf8").catch(() => ""),
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((r) => running.once("exit", r));
        running.kill("SIGTERM");
        const timer = setTimeout(() => running.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
