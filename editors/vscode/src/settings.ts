/**
 * Maps the user's `sea.*` settings to the object the server reads as initializationOptions
 * and as the `sea` section of `workspace/configuration` (docs/ARCHITECTURE.md).
 * Pure: no `vscode` import, so it is unit-tested in plain node.
 */

/** Reads one setting below `sea.` (e.g. `budget.evaluations`); undefined when unset. */
export type SettingReader = (key: string) => unknown;

export interface LlmOptions {
  baseUrl: string | null;
  model: string;
  apiKeyEnv: string;
  timeoutS: number;
}

/** What the server expects, camelCase and nested; keys whose value was invalid are left out. */
export interface ServerOptions {
  trusted: boolean;
  budget: { evaluations?: number; seconds?: number };
  testCommand?: string | null;
  testTimeoutS?: number;
  testCaseTimeoutS?: number;
  maxFileBytes?: number;
  codeActionDeadlineMs?: number;
  typingIdleMs?: number;
  feedbackPath?: string | null;
  storeSourceText?: boolean;
  checkpoint?: string | null;
  logLevel?: string;
  lightbulbMaxEntries?: number;
  lightbulbShowGuesses?: boolean;
  searchRanking?: string;
  llm: Partial<LlmOptions>;
}

export interface MappedOptions {
  options: ServerOptions;
  /** One line per setting that was ignored, naming it and saying what it expects. */
  problems: string[];
}

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;

/** Settings the server does not read: they only tell the extension how to start it. */
export const CLIENT_ONLY_SETTINGS = ["serverPath", "pythonPath"] as const;

type Kind = "count" | "seconds" | "text" | "optionalText" | "flag" | "logLevel";

const FIELDS: ReadonlyArray<[key: string, kind: Kind]> = [
  ["budget.evaluations", "count"],
  ["budget.seconds", "seconds"],
  ["testCommand", "optionalText"],
  ["testTimeoutS", "seconds"],
  ["testCaseTimeoutS", "seconds"],
  ["maxFileBytes", "count"],
  ["codeActionDeadlineMs", "count"],
  ["typingIdleMs", "count"],
  ["feedbackPath", "optionalText"],
  ["storeSourceText", "flag"],
  ["checkpoint", "optionalText"],
  ["logLevel", "logLevel"],
  ["lightbulbMaxEntries", "count"],
  ["lightbulbShowGuesses", "flag"],
  ["searchRanking", "text"],
  ["llm.baseUrl", "optionalText"],
  ["llm.model", "text"],
  ["llm.apiKeyEnv", "text"],
  ["llm.timeoutS", "seconds"],
];

/** Checks one value; returns [ok, value] or [false, reason]. */
function check(kind: Kind, value: unknown): [true, unknown] | [false, string] {
  switch (kind) {
    case "count":
      if (typeof value === "number" && Number.isInteger(value) && value >= 0) return [true, value];
      return [false, "a whole number of 0 or more"];
    case "seconds":
      if (typeof value === "number" && Number.isFinite(value) && value >= 0) return [true, value];
      return [false, "a number of seconds, 0 or more"];
    case "text":
      if (typeof value === "string") return [true, value.trim()];
      return [false, "a string"];
    case "optionalText":
      if (value === null || (typeof value === "string" && value.trim() === "")) return [true, null];
      if (typeof value === "string") return [true, value.trim()];
      return [false, "a string (or empty for the default)"];
    case "flag":
      if (typeof value === "boolean") return [true, value];
      return [false, "true or false"];
    case "logLevel": {
      const level = typeof value === "string" ? value.trim().toUpperCase() : "";
      if ((LOG_LEVELS as readonly string[]).includes(level)) return [true, level];
      return [false, `one of ${LOG_LEVELS.join(", ")}`];
    }
  }
}

/**
 * Builds the server's options from the settings. Unset settings are left out (the server
 * keeps its defaults); invalid ones are left out and reported in `problems`.
 */
export function buildServerOptions(read: SettingReader, trusted: boolean): MappedOptions {
  const options: ServerOptions = { trusted, budget: {}, llm: {} };
  const problems: string[] = [];
  for (const [key, kind] of FIELDS) {
    const raw = read(key);
    if (raw === undefined) continue;
    const result = check(kind, raw);
    if (!result[0]) {
      problems.push(`setting sea.${key} must be ${result[1]}, got ${JSON.stringify(raw)}; using the server's default`);
      continue;
    }
    const [group, name] = key.includes(".") ? key.split(".", 2) : [undefined, key];
    const target = (group ? (options as unknown as Record<string, Record<string, unknown>>)[group] : options) as Record<string, unknown>;
    target[name] = result[1];
  }
  return { options, problems };
}

/** True when a configuration change touches a setting the server reads (not serverPath/pythonPath). */
export function affectsServerOptions(affects: (section: string) => boolean): boolean {
  return FIELDS.some(([key]) => affects(`sea.${key}`));
}

/** True when a configuration change needs the server process restarted. */
export function affectsServerCommand(affects: (section: string) => boolean): boolean {
  return CLIENT_ONLY_SETTINGS.some((key) => affects(`sea.${key}`));
}
