/**
 * `steward opendata add FILE --title TITLE [--schema NAME] [--dataset SLUG] [--publish]`: creates or updates a
 * dataset and resource from a file, prints the validation and personal-data report, and publishes only when
 * both are clean (otherwise it exits 1 and publishes nothing). Register in src/cli/main.ts as
 * `opendata: () => import("../modules/opendata/cli.ts")`.
 */
import { basename } from "node:path";
import cliProgress from "cli-progress";
import { cliActor, guard, parse, UsageError } from "../../cli/args.ts";
import { openRuntime } from "../../platform/runtime.ts";
import { OpenDataInputError, slugify, type Version } from "./opendata-service.ts";
import { CODE_TEMPLATES, codeTemplate } from "./transparency-code.ts";
import { formatFromFileName } from "./vocabulary.ts";

export const summary =
  "Open data: add a file to the catalogue, check it, and publish it when it is clean";

export const help = `Usage:
  steward opendata add FILE --title TITLE [--schema NAME] [--dataset SLUG] [--resource NAME]
                            [--period PERIOD] [--note TEXT] [--publish] [--quiet]

Creates the dataset (or finds it by --dataset, else by the title's slug) and the resource (by --resource,
else the file name), stores FILE as the resource's next version, validates it against the Table Schema
and screens it for personal data. With --publish, publishes the dataset only if every check passed.

Options:
  --schema NAME     a Transparency Code schema: ${CODE_TEMPLATES.filter((t) => t.schema)
    .map((t) => t.key)
    .join(", ")}
  --period PERIOD   the council year (2025-26) or quarter (2025-26-Q1) the file covers
  --note TEXT       what changed since the previous version

Exit codes: 0 checked (and published with --publish); 1 the file failed a check; 2 usage error.`;

function printReport(v: Version, log: (s: string) => void) {
  const r = v.report;
  log(`Version ${v.version}: ${v.gate}`);
  if (!r) return;
  log(r.summary);
  for (const e of r.errorCounts) log(`  ${e.column}: ${e.message} (${e.count} rows)`);
  for (const e of r.errors.slice(0, 20))
    log(`    line ${e.row}, ${e.column}: “${e.value}” ${e.message.replace(`${e.column} `, "")}`);
  for (const f of r.findings)
    log(
      `  Personal data? ${f.label}${f.column ? ` in ${f.column}` : ""}: ${f.count} (${f.examples.map((x) => (x.row ? `line ${x.row}` : x.value)).join(", ")})`,
    );
}

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values, positionals } = parse(args, {
      title: { type: "string" },
      schema: { type: "string" },
      dataset: { type: "string" },
      resource: { type: "string" },
      period: { type: "string" },
      note: { type: "string" },
      publish: { type: "boolean" },
      quiet: { type: "boolean" },
    });
    const [sub, file] = positionals;
    if (sub !== "add" || !file)
      throw new UsageError("usage: steward opendata add FILE --title TITLE (see --help)");
    if (!values.title && !values.dataset)
      throw new UsageError("give --title (or --dataset for an existing dataset)");
    if (values.schema && !codeTemplate(values.schema)?.schema)
      throw new UsageError(`no schema called ${values.schema}`);
    const format = formatFromFileName(file);
    if (!format) throw new UsageError("FILE must be .csv, .xlsx, .json, .geojson or .pdf");
    const log = (s: string) => {
      if (!values.quiet) console.log(s);
    };
    const rt = await openRuntime({ log: () => {} });
    try {
      const { opendata } = rt.services;
      const slug = values.dataset ?? slugify(values.title as string);
      let dataset = await opendata.get(slug);
      if (!dataset) {
        const template = codeTemplate(values.schema);
        dataset = await opendata.create(cliActor, {
          slug,
          title: values.title ?? slug,
          description: template?.description ?? `${values.title ?? slug}.`,
          serviceAreaId: null,
          contactName: null,
          contactEmail: null,
          themes: template ? [template.theme] : [],
          keywords: [],
          licence: "OGL-UK-3.0",
          frequency: template?.frequency ?? "irregular",
          temporalStart: null,
          temporalEnd: null,
          spatial: null,
          sourceAssetId: null,
          publicationClass: template?.publicationClass ?? "lists-and-registers",
          template: template?.key ?? null,
        });
        log(`Created dataset ${dataset.slug} (draft).`);
      }
      const name = values.resource ?? basename(file);
      const existing = dataset.resources.find((r) => r.name === name);
      if (existing && values.schema && values.schema !== existing.schemaName)
        throw new UsageError(
          `the resource “${name}” is checked against ${existing.schemaName ? `the ${existing.schemaName} schema` : "no named schema"}, not ${values.schema}: leave out --schema, or add the file as a new resource with --resource NAME`,
        );
      let resource =
        existing ??
        (await opendata.addResource(cliActor, dataset.id, {
          name,
          format,
          schemaName: values.schema ?? null,
          period: values.period ?? null,
        }));
      if (existing && values.period) {
        resource = await opendata.updateResource(cliActor, existing.id, {
          name: existing.name,
          description: existing.description,
          linkUrl: existing.linkUrl,
          period: values.period,
        });
        if (resource.period !== existing.period)
          log(`Period of “${name}” set to ${resource.period}.`);
      }
      const bar =
        values.quiet || !process.stderr.isTTY
          ? undefined
          : new cliProgress.SingleBar(
              { format: "{bar} {percentage}% {step}", stream: process.stderr },
              cliProgress.Presets.shades_classic,
            );
      bar?.start(100, 0, { step: "Copying the file" });
      const version = await opendata.addVersion(
        cliActor,
        resource.id,
        { fileName: basename(file), path: file, changeNote: values.note ?? "" },
        { inline: true, progress: async (p, step) => bar?.update(p, { step }) },
      );
      bar?.update(100, { step: "Done" });
      bar?.stop();
      printReport(version, log);
      if (version.gate !== "clean") {
        console.error(
          version.gate === "blocked"
            ? "Not published: possible personal data needs a named person's review in Steward."
            : "Not published: fix the problems and add the file again.",
        );
        return 1;
      }
      if (values.publish) {
        try {
          await opendata.publish(cliActor, dataset.id);
        } catch (err) {
          // Another resource of the dataset stands in the way: this file is checked, nothing is published.
          if (!(err instanceof OpenDataInputError)) throw err;
          console.error(`Not published: ${err.message}`);
          return 1;
        }
        log(`Published: /data/${dataset.slug}`);
      }
      return 0;
    } catch (err) {
      if (err instanceof OpenDataInputError) throw new UsageError(err.message);
      throw err;
    } finally {
      await rt.close();
    }
  });
}
