/**
 * Arguments of the server's `sea.*` commands (one object each, docs/ARCHITECTURE.md) and the
 * messages shown for their results. Pure: uris and ranges arrive already in protocol form.
 */

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export const SERVER_COMMANDS = {
  runTask: "sea.runTask",
  fixFailingTests: "sea.fixFailingTests",
  runTests: "sea.runTests",
  train: "sea.train",
  status: "sea.status",
} as const;

export interface RunTaskArgs {
  text: string;
  uri?: string;
  range?: Range;
}

/** `sea.runTask` arguments; throws when the task text is empty. */
export function runTaskArgs(text: string, uri?: string, range?: Range): RunTaskArgs {
  const task = text.trim();
  if (!task) throw new Error("Describe the task, e.g. \"fix the failing tests\".");
  const args: RunTaskArgs = { text: task };
  if (uri) args.uri = uri;
  if (uri && range) args.range = range;
  return args;
}

/** Arguments with an optional file uri (`sea.fixFailingTests`, `sea.runTests`). */
export function fileArgs(uri?: string): { uri?: string } {
  return uri ? { uri } : {};
}

/** Validates the task input box: undefined when acceptable, else the message to show. */
export function validateTaskText(text: string): string | undefined {
  return text.trim() ? undefined : "Describe the task, e.g. \"add a docstring to mean\".";
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** One line for a `sea.runTests` result: `{passed, failed, errors, tests}`. */
export function formatTestResult(result: unknown): { message: string; ok: boolean } {
  if (typeof result !== "object" || result === null) {
    return { message: "SEA: the server returned no test result; see the agent log.", ok: false };
  }
  const r = result as Record<string, unknown>;
  const passed = count(r.passed);
  const failed = count(r.failed);
  const errors = count(r.errors);
  const parts = [`${passed} passed`, `${failed} failed`];
  if (errors) parts.push(`${errors} errors`);
  const ok = failed === 0 && errors === 0;
  const tail = ok ? "" : " — failing lines are marked in the Problems panel.";
  return { message: `SEA tests: ${parts.join(", ")}${tail}`, ok };
}

/** One line for a `sea.runTask` / `sea.fixFailingTests` result: `{solved, summary, applied, offer}`. */
export function formatTaskResult(result: unknown): { message: string; ok: boolean } {
  if (typeof result !== "object" || result === null) {
    return { message: "SEA: the task ended without a result; see the agent log.", ok: false };
  }
  const r = result as Record<string, unknown>;
  const summary = typeof r.summary === "string" && r.summary.trim() ? r.summary.trim() : undefined;
  const solved = r.solved === true;
  const applied = r.applied === true;
  const state = applied ? "applied" : solved ? "solved, not applied" : "not solved";
  return { message: `SEA task ${state}${summary ? `: ${summary}` : "."}`, ok: solved };
}

/** One line for a `sea.train` result: `{started, pid, log}`. */
export function formatTrainResult(result: unknown): { message: string; ok: boolean } {
  if (typeof result !== "object" || result === null || (result as Record<string, unknown>).started !== true) {
    return { message: "SEA: training did not start; see the agent log.", ok: false };
  }
  const r = result as Record<string, unknown>;
  const pid = typeof r.pid === "number" ? ` (pid ${r.pid})` : "";
  const log = typeof r.log === "string" ? `; its log: ${r.log}` : "";
  return { message: `SEA: training on your feedback started${pid}${log}.`, ok: true };
}
