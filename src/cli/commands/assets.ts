import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { RegisterConflictError, RegisterInputError } from "../../modules/assets/errors.ts";
import { IMPORT_TARGETS, TARGET_NAMES } from "../../modules/assets/spreadsheet/headings.ts";
import { readSpreadsheet, SpreadsheetError } from "../../modules/assets/spreadsheet/read.ts";
import {
  applyImport,
  loadLookups,
  prepareImport,
  proposeMapping,
  registerCsv,
  registerXlsx,
} from "../../modules/assets/spreadsheet/register-sheet.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { cliActor, guard, parse, UsageError } from "../args.ts";

export const summary = "Import or export the information asset register (XLSX or CSV)";
export const help = `Usage:
  steward assets import FILE [--map mapping.json] [--sheet NAME] [--dry-run]
  steward assets export FILE            (.xlsx or .csv, decided by the name)

import reads an XLSX or CSV register, finds the sheet and the row of headings (title rows, instruction
sheets, blank rows and notes under the table are left out), matches the headings to the register's
fields, checks every row and applies them all in one transaction, or none if any row has a problem.
A row whose reference is already in the register updates that asset; service areas the council does
not have are added. --map gives a JSON object from the sheet's headings to field names ("" or null to
skip a column); without it Steward proposes one and prints it, so it can be saved, corrected and passed
back. --sheet NAME reads that sheet of a workbook instead of the one Steward chooses. --dry-run checks
and says what would be added and changed.

Field names: ${IMPORT_TARGETS.map((f) => f.name).join(", ")}.
Exit codes: 0 imported (or checked), 1 problems in the file, 2 wrong usage.`;

export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const [sub, ...rest] = args;
    const opts = parse(rest, {
      map: { type: "string" },
      sheet: { type: "string" },
      "dry-run": { type: "boolean" },
    });
    const file = opts.positionals[0];
    if (!["import", "export"].includes(sub ?? "") || !file)
      throw new UsageError("usage: steward assets import|export FILE (see --help)");
    if (sub === "export") {
      if (!/\.(xlsx|csv)$/i.test(file))
        throw new UsageError("the export file's name must end .xlsx or .csv");
      const rt = await openRuntime();
      try {
        const data = /\.csv$/i.test(file)
          ? await registerCsv(rt.services)
          : await registerXlsx(rt.services);
        await writeFile(file, data);
        console.log(`Wrote the register to ${file}`);
        return 0;
      } finally {
        await rt.close();
      }
    }

    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    let read: Awaited<ReturnType<typeof readSpreadsheet>>;
    try {
      read = await readSpreadsheet(data, file);
    } catch (err) {
      if (err instanceof SpreadsheetError) {
        console.error(`steward: ${err.message}`);
        return 1;
      }
      throw err;
    }
    if (opts.values.sheet) {
      const chosen = read.sheets.find((s) => s.sheet === opts.values.sheet);
      if (!chosen)
        throw new UsageError(
          `the workbook has no sheet "${opts.values.sheet}" with a table (${read.sheets.map((s) => `"${s.sheet}"`).join(", ") || "none"})`,
        );
      read.main = chosen;
    }
    const { main } = read;
    console.log(
      `Headings found on row ${main.headingRow}${main.headingRows === 2 ? ` and ${main.headingRow + 1}` : ""}${main.sheet ? ` of the sheet "${main.sheet}"` : ""}; ` +
        `left out ${main.skipped.blank} blank rows and ${main.skipped.notes} rows of notes, totals or repeated headings.`,
    );
    let mapping = proposeMapping(read.main.headings);
    if (opts.values.map) {
      let given: unknown;
      try {
        given = JSON.parse(await readFile(opts.values.map, "utf8"));
      } catch {
        throw new UsageError(`${opts.values.map} is not a readable JSON file`);
      }
      if (!given || typeof given !== "object" || Array.isArray(given))
        throw new UsageError("the mapping must be a JSON object from headings to field names");
      const names = TARGET_NAMES;
      mapping = Object.fromEntries(read.main.headings.map((h) => [h, ""]));
      for (const [heading, field] of Object.entries(given as Record<string, unknown>)) {
        if (!(heading in mapping)) throw new UsageError(`the sheet has no heading "${heading}"`);
        if (field !== null && field !== "" && (typeof field !== "string" || !names.has(field)))
          throw new UsageError(`"${String(field)}" is not a field name (see --help)`);
        mapping[heading] = (field as string | null) ?? "";
      }
    } else {
      console.log("Proposed mapping (save it, correct it and pass it back with --map):");
      console.log(JSON.stringify(mapping, null, 2));
    }
    if (!Object.values(mapping).includes("name")) {
      console.error("steward: no column is matched to the asset's name; give a mapping with --map");
      return 1;
    }
    const rt = await openRuntime();
    try {
      const prepared = prepareImport(
        read.main,
        mapping,
        await loadLookups(rt.services),
        read.risks,
      );
      console.log(
        `${prepared.rows.length} assets, ${prepared.risks.length} risks in ${basename(file)}: ` +
          `${prepared.created} new, ${prepared.updated} to update, ${prepared.unchanged} unchanged`,
      );
      for (const o of prepared.unknownOwners)
        console.log(`Owner with no account: ${o.name} (rows ${o.rows.join(", ")}): kept as a name`);
      for (const a of prepared.unknownServiceAreas)
        console.log(`New service area: ${a.name} (rows ${a.rows.join(", ")}): will be added`);
      for (const r of prepared.rows.filter((x) => x.action === "update").slice(0, 100))
        console.log(
          `row ${r.row}: ${r.reference} changes ${r.changes.map((c) => c.field).join(", ")}`,
        );
      if (prepared.problemCount) {
        for (const r of prepared.rows.filter((x) => x.problems.length).slice(0, 100))
          console.error(`row ${r.row}: ${r.problems.join("; ")}`);
        for (const r of prepared.risks.filter((x) => x.problems.length).slice(0, 100))
          console.error(`Risks row ${r.row}: ${r.problems.join("; ")}`);
        console.error(
          `steward: ${prepared.problemCount} problems in ${prepared.rowsWithProblems} rows; nothing imported`,
        );
        return 1;
      }
      if (opts.values["dry-run"]) {
        console.log("No problems found. Dry run: nothing imported.");
        return 0;
      }
      try {
        const result = await applyImport(rt.services, cliActor, prepared, {
          filename: basename(file),
        });
        console.log(
          `Imported ${result.created} assets, updated ${result.updated}, added ${result.risks} risks and ${result.serviceAreas} service areas (${result.importId}).`,
        );
        return 0;
      } catch (err) {
        if (err instanceof RegisterConflictError || err instanceof RegisterInputError) {
          console.error(`steward: nothing imported: ${err.message}`);
          return 1;
        }
        throw err;
      }
    } finally {
      await rt.close();
    }
  });
}
