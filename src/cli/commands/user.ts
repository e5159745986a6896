import { generatePassword } from "../../platform/auth/passwords.ts";
import { ROLE_NAMES, roleLabel } from "../../platform/auth/roles.ts";
import { UserInputError } from "../../platform/auth/users-service.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { cliActor, guard, parse, UsageError } from "../args.ts";

export const summary = "Manage staff accounts: add, list, disable, enable, role, password";
export const help = `Usage:
  steward user add EMAIL --name "FULL NAME" [--role ROLE]... [--title "JOB TITLE"] [--password PASSWORD]
  steward user list [--json]
  steward user disable EMAIL
  steward user enable EMAIL
  steward user role EMAIL --add ROLE | --remove ROLE | --set ROLE[,ROLE...]
  steward user password EMAIL [--password PASSWORD]

Without --password a strong password is generated and printed once.
Roles: ${ROLE_NAMES.join(", ")}.
Every change is recorded in the audit trail as made from the command line.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [sub, ...rest] = args;
    if (!sub)
      throw new UsageError(
        "usage: steward user add|list|disable|enable|role|password (see --help)",
      );
    const opts = parse(rest, {
      name: { type: "string" },
      title: { type: "string" },
      role: { type: "string", multiple: true },
      password: { type: "string" },
      add: { type: "string" },
      remove: { type: "string" },
      set: { type: "string" },
      json: { type: "boolean" },
    });
    const email = opts.positionals[0];
    if (sub !== "list" && !email)
      throw new UsageError(`usage: steward user ${sub} EMAIL (see --help)`);
    if (!["add", "list", "disable", "enable", "role", "password"].includes(sub))
      throw new UsageError(`unknown user command '${sub}' (see --help)`);
    const rt = await openRuntime();
    const { users } = rt.services;
    try {
      const find = async () => {
        const user = await users.findByEmail(email);
        if (!user) throw new UsageError(`no account with email ${email}`);
        return user;
      };
      switch (sub) {
        case "add": {
          if (!opts.values.name) throw new UsageError("give the person's name with --name");
          const password = opts.values.password ?? generatePassword();
          const user = await users.create(cliActor, {
            email,
            displayName: opts.values.name,
            jobTitle: opts.values.title,
            password,
            roles: opts.values.role ?? [],
          });
          console.log(
            `Added ${user.displayName} <${user.email}> with roles: ${user.roles.map(roleLabel).join(", ")}`,
          );
          if (!opts.values.password) console.log(`Password (shown once): ${password}`);
          break;
        }
        case "list": {
          const list = await users.list();
          if (opts.values.json) console.log(JSON.stringify(list, null, 2));
          else
            for (const u of list)
              console.log(
                `${u.email.padEnd(45)} ${u.disabled ? "DISABLED " : ""}${u.displayName} [${u.roles.join(", ")}]`,
              );
          break;
        }
        case "disable":
        case "enable": {
          const user = await find();
          await users.setDisabled(cliActor, user.id, sub === "disable");
          console.log(
            `${user.email} ${sub}d${sub === "disable" ? " and signed out everywhere" : ""}.`,
          );
          break;
        }
        case "role": {
          const user = await find();
          let roles: string[] = user.roles;
          if (opts.values.set) roles = opts.values.set.split(",").map((r) => r.trim());
          else if (opts.values.add) roles = [...roles, opts.values.add];
          else if (opts.values.remove) roles = roles.filter((r) => r !== opts.values.remove);
          else throw new UsageError("say --add ROLE, --remove ROLE or --set ROLE,ROLE");
          const updated = await users.update(cliActor, user.id, { roles });
          console.log(`${updated.email} now has roles: ${updated.roles.join(", ")}`);
          break;
        }
        case "password": {
          const user = await find();
          const password = opts.values.password ?? generatePassword();
          await users.setPassword(cliActor, user.id, password);
          console.log(`Password of ${user.email} set; every session signed out.`);
          if (!opts.values.password) console.log(`New password (shown once): ${password}`);
          break;
        }
      }
      return 0;
    } catch (err) {
      if (err instanceof UserInputError) throw new UsageError(err.message);
      throw err;
    } finally {
      await rt.close();
    }
  });
}
