/** Status bar text from the server's `sea.status` result and `sea/status` notification. Pure. */

export interface ServerStatus {
  version?: string;
  modelVersion?: string | number | null;
  modelReady?: boolean;
  trusted?: boolean;
  taskRunning?: boolean;
  feedbackDb?: string;
  offers?: number;
  accepted?: number;
}

export type ClientPhase = "starting" | "running" | "stopped" | "failed";

export interface StatusView {
  text: string;
  tooltip: string;
}

/** Keeps only the fields of a status payload that have the expected types. */
export function parseStatus(payload: unknown): ServerStatus | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const out: ServerStatus = {};
  if (typeof p.version === "string") out.version = p.version;
  if (typeof p.modelVersion === "string" || typeof p.modelVersion === "number") out.modelVersion = p.modelVersion;
  for (const key of ["modelReady", "trusted", "taskRunning"] as const) {
    if (typeof p[key] === "boolean") out[key] = p[key] as boolean;
  }
  if (typeof p.feedbackDb === "string") out.feedbackDb = p.feedbackDb;
  for (const key of ["offers", "accepted"] as const) {
    if (typeof p[key] === "number" && Number.isFinite(p[key])) out[key] = p[key] as number;
  }
  return out;
}

/** The status bar item: a codicon, the model version, and whether a task runs. */
export function formatStatus(phase: ClientPhase, status?: ServerStatus): StatusView {
  if (phase === "starting") return { text: "$(loading~spin) SEA", tooltip: "SEA: starting the server…" };
  if (phase === "stopped") return { text: "$(debug-stop) SEA", tooltip: "SEA: server stopped. Click to show the log." };
  if (phase === "failed") return { text: "$(error) SEA", tooltip: "SEA: the server failed. Click to show the log." };
  if (!status) return { text: "$(loading~spin) SEA", tooltip: "SEA: waiting for the server's status…" };
  const s = status;
  const model = s.modelReady === false ? "loading model" : s.modelVersion !== undefined && s.modelVersion !== null ? `model ${s.modelVersion}` : "model ?";
  const icon = s.taskRunning ? "$(sync~spin)" : s.trusted === false ? "$(shield)" : "$(beaker)";
  const activity = s.taskRunning ? " · task running" : "";
  const lines = [
    `SEA server ${s.version ?? "?"} — ${model}`,
    s.taskRunning ? "A task is running." : "Idle.",
    s.trusted === false ? "Restricted Mode: the agent does not run your tests." : "Trusted workspace: the agent may run your tests in a sandbox copy.",
  ];
  if (s.offers !== undefined) lines.push(`Suggestions offered: ${s.offers}, accepted: ${s.accepted ?? 0}.`);
  if (s.feedbackDb) lines.push(`Feedback: ${s.feedbackDb}`);
  lines.push("Click to show the agent log.");
  return { text: `${icon} SEA: ${model}${activity}`, tooltip: lines.join("\n") };
}
