/**
 * Record linkage engine: the API the app's matching module uses.
 *
 * Run a project as a background job:
 *   const run = await runLinkage({ inputs, idColumn, settings, onProgress: (e) => job.report(e) });
 *   await run.writePairs(path, threshold); await run.writeClusters(path, threshold);
 *   await run.save(resultsDir); run.close();
 * Later, for the review queue and charts:
 *   const results = await loadResults(resultsDir);
 *   await results.pairs({ minProbability: 0.3, maxProbability: 0.9, limit: 50 });
 *   await results.explain(leftId, rightId); // waterfall
 */
export { describeSettings } from "./describe.ts";
export { MatchInputError } from "./errors.ts";
export {
  type CurvePoint,
  type EvaluateOptions,
  type Evaluation,
  evaluatePairs,
  formatEvaluation,
  type LabelledPairs,
  type TruthFile,
} from "./evaluate.ts";
export {
  explainEvidence,
  formatExplanation,
  type PairExplanation,
  type WaterfallStep,
} from "./explain.ts";
export {
  type DatasetSpec,
  DEFAULT_DATASETS,
  type GenerateOptions,
  generatePopulation,
} from "./generate.ts";
export {
  type IncrementalJob,
  type IncrementalResult,
  matchNewRecords,
  type NewRecordAssignment,
} from "./incremental.ts";
export type { InputSpec } from "./io.ts";
export {
  type LinkageJob,
  LinkageRun,
  loadResults,
  type ProgressEvent,
  type RunSummary,
  runLinkage,
  type Stage,
} from "./pipeline.ts";
export {
  type BlockingRule,
  type Comparison,
  type ComparisonLevel,
  type Feature,
  type FeatureKind,
  isTrained,
  type LinkType,
  loadSettings,
  type Settings,
  saveSettings,
} from "./settings.ts";
export * from "./standardise.ts";
