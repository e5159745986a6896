/**
 * The `steward` command: one entry point, one file per sub-command under ./commands.
 * Each command module exports `summary`, `help` and `run(args)`, which returns an exit code.
 */
export interface CommandModule {
  summary: string;
  help: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  serve: () => import("./commands/serve.ts"),
  migrate: () => import("./commands/migrate.ts"),
  user: () => import("./commands/user.ts"),
  demo: () => import("./commands/demo.ts"),
  audit: () => import("./commands/audit.ts"),
  backup: () => import("./commands/backup.ts"),
  restore: () => import("./commands/restore.ts"),
  deadline: () => import("./commands/deadline.ts"),
  match: () => import("./commands/match.ts"),
  opendata: () => import("../modules/opendata/cli.ts"),
  assets: () => import("./commands/assets.ts"),
};

async function usage(): Promise<string> {
  const lines = ["Usage: steward COMMAND [options]", "", "Commands:"];
  for (const [name, load] of Object.entries(commands)) {
    const mod = await load().catch(() => undefined);
    if (mod) lines.push(`  ${name.padEnd(10)} ${mod.summary}`);
  }
  lines.push("", "Run `steward COMMAND --help` for a command's options.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(await usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`steward: unknown command '${name}'.\n`);
    console.error(await usage());
    return 2;
  }
  const mod = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(mod.help);
    return 0;
  }
  return mod.run(rest);
}
