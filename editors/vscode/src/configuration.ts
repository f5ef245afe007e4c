/**
 * Answers the server's `workspace/configuration` requests. The server asks for the `sea`
 * section once for the session (no scope) and once per workspace folder (scoped to the
 * folder's URI); each item gets the settings of its own scope, so a folder's
 * `.vscode/settings.json` (or its entry in a `.code-workspace`) overrides the window's
 * settings for that folder's files, tasks and tests. Workspace trust is the window's:
 * VS Code trusts a whole (multi-root) workspace or none of it.
 * Pure: the reader of a scope's settings is passed in, so it is unit-tested in plain node.
 */
import { buildServerOptions, type SettingReader } from "./settings";

export const SEA_SECTION = "sea";

/** One item of a `workspace/configuration` request, as the protocol has it. */
export interface ConfigurationItem {
  section?: string | null;
  scopeUri?: string | null;
}

/** The `sea.*` settings of a scope: undefined is the window's (user and workspace). */
export type ScopeReader = (scopeUri: string | undefined) => SettingReader;

export interface ConfigurationAnswer {
  /** One answer per item, in order. */
  answers: unknown[];
  /** One line per invalid setting (naming the first scope it was read in), each said once. */
  problems: string[];
}

/** The value at `path` (e.g. ["budget", "seconds"]) below `root`, else null. */
function nested(root: unknown, path: string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The answers to `items`: the `sea` section (or a part of it, e.g. `sea.budget`) is the
 * server's options built from the settings of the item's scope, with `trusted`; any other
 * section keeps the client's default answer from `defaults`.
 */
export function answerConfiguration(
  items: readonly ConfigurationItem[],
  defaults: readonly unknown[],
  readScope: ScopeReader,
  trusted: boolean,
): ConfigurationAnswer {
  const problems: string[] = [];
  const seen = new Set<string>();
  const answers = items.map((item, i) => {
    const section = item.section ?? "";
    if (section !== SEA_SECTION && !section.startsWith(`${SEA_SECTION}.`)) return defaults[i] ?? null;
    const scope = item.scopeUri ?? undefined;
    const built = buildServerOptions(readScope(scope), trusted);
    for (const problem of built.problems.filter((p) => !seen.has(p))) {
      seen.add(problem); // a bad user setting shows in every scope: said once
      problems.push(scope ? `${problem} (in ${scope})` : problem);
    }
    return nested(built.options, section.split(".").slice(1));
  });
  return { answers, problems };
}
