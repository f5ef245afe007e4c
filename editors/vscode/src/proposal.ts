/**
 * Proposals reviewed in the editor's own diff view. The server previews a task's result
 * with a message request (Apply / Show diff / Reject) and shows the change as a unified
 * diff file (`window/showDocument` of `<data dir>/diffs/<offer>.diff`); the extension turns
 * that diff back into the proposed text of each file and opens `vscode.diff` over a virtual
 * document. Also the "More SEA suggestions…" picker's items. Pure: no `vscode` import, so
 * it is unit-tested in plain node.
 */

export const PROPOSAL_SCHEME = "sea-proposal";
export const APPLY = "Apply";
export const SHOW_DIFF = "Show diff";
export const REJECT = "Reject";
export const MORE_COMMAND = "sea.moreSuggestions";
export const APPLY_SUGGESTION_COMMAND = "sea.applySuggestion";

export interface Hunk {
  oldStart: number;
  oldLines: number;
  /** Lines with their prefix (" ", "-", "+"), without line ends; `noEol` marks "\ No newline". */
  lines: { op: " " | "-" | "+"; text: string; noEol: boolean }[];
}

export interface FilePatch {
  /** Workspace-relative path before and after (`null` for /dev/null). */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
}

export class PatchError extends Error {}

function stripPrefix(header: string): string | null {
  const path = header.split("\t")[0].trim();
  if (path === "/dev/null") return null;
  return path.startsWith("a/") || path.startsWith("b/") ? path.slice(2) : path;
}

/** The file patches of a unified diff (the `a/` and `b/` prefixes removed). */
export function parseUnifiedDiff(diff: string): FilePatch[] {
  const patches: FilePatch[] = [];
  const lines = diff.split("\n");
  let patch: FilePatch | undefined;
  let hunk: Hunk | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      patch = { oldPath: stripPrefix(line.slice(4)), newPath: stripPrefix(lines[i + 1].slice(4)), hunks: [] };
      patches.push(patch);
      hunk = undefined;
      i++;
      continue;
    }
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (header) {
      if (!patch) throw new PatchError(`a hunk before any file header: ${line}`);
      hunk = { oldStart: Number(header[1]), oldLines: header[2] === undefined ? 1 : Number(header[2]), lines: [] };
      patch.hunks.push(hunk);
      continue;
    }
    if (!hunk) continue;
    if (line.startsWith("\\")) {
      const last = hunk.lines[hunk.lines.length - 1];
      if (last) last.noEol = true;
      continue;
    }
    const op = line[0];
    if (op === " " || op === "-" || op === "+") hunk.lines.push({ op, text: line.slice(1), noEol: false });
  }
  return patches;
}

/** Splits text into lines that keep their line ends. */
function splitKeep(text: string): string[] {
  const out = text.match(/[^\n]*\n|[^\n]+$/g);
  return out ?? [];
}

/**
 * The text after `patch`, applied to `original`; a context or removed line that differs
 * from the original raises `PatchError` (the file changed since the proposal was made).
 */
export function applyPatch(original: string, patch: FilePatch): string {
  const source = splitKeep(original);
  const out: string[] = [];
  let at = 0; // index into source
  for (const hunk of patch.hunks) {
    const start = Math.max(0, hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1);
    if (start < at || start > source.length) throw new PatchError(`a hunk at line ${hunk.oldStart} is out of place`);
    out.push(...source.slice(at, start));
    at = start;
    for (const l of hunk.lines) {
      const text = l.text + (l.noEol ? "" : "\n");
      if (l.op === "+") {
        out.push(text);
        continue;
      }
      const have = source[at];
      if (have === undefined || have.replace(/\r?\n$/, "") !== l.text) {
        throw new PatchError(`line ${at + 1} is no longer the one the proposal changes; run the task again`);
      }
      if (l.op === " ") out.push(have);
      at++;
    }
  }
  out.push(...source.slice(at));
  return out.join("");
}

/** True for the server's proposal preview (its actions are Apply / Show diff / Reject). */
export function isProposalPreview(actions: ReadonlyArray<{ title: string }> | undefined | null): boolean {
  const titles = (actions ?? []).map((a) => a.title);
  return titles.includes(APPLY) && titles.includes(SHOW_DIFF) && titles.includes(REJECT);
}

/** True for a diff file the server wrote for a proposal (`.../diffs/<offer>.diff`). */
export function isProposalDiffPath(fsPath: string): boolean {
  const parts = fsPath.split(/[\\/]/);
  return parts.length >= 2 && parts[parts.length - 2] === "diffs" && parts[parts.length - 1].endsWith(".diff");
}

export interface Suggestion {
  index: number;
  title: string;
  kind: string;
  guess: boolean;
}

/** The answer of `sea.moreSuggestions` (`{offer, items}`), checked; undefined if malformed. */
export function parseSuggestions(result: unknown): { offer: string; items: Suggestion[] } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const { offer, items } = result as { offer?: unknown; items?: unknown };
  if (typeof offer !== "string" || !Array.isArray(items)) return undefined;
  const out: Suggestion[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const { index, title, kind, guess } = item as Record<string, unknown>;
    if (typeof index !== "number" || !Number.isInteger(index) || typeof title !== "string") continue;
    out.push({ index, title, kind: typeof kind === "string" ? kind : "", guess: guess !== false });
  }
  return { offer, items: out };
}

/** Quick-pick entries for the suggestions: the title, and what kind of edit it is. */
export function suggestionPicks(items: Suggestion[]): { label: string; description: string; index: number }[] {
  return items.map((s) => ({
    label: s.title,
    description: s.guess ? `${s.kind} · not verified by the tests` : s.kind,
    index: s.index,
  }));
}
