/**
 * Decides how to start `sea-lsp serve`: `sea.serverPath`, else `sea-lsp` on PATH, else
 * `<python> -m sea_lsp serve`. Pure: the file system and PATH are reached through `Probe`.
 */

export interface Probe {
  /** Absolute path of an executable named `name` on PATH, or undefined. */
  which(name: string): string | undefined;
  /** True when `path` is an executable file. */
  isExecutable(path: string): boolean;
  /** True when `python -c "import sea_lsp"` succeeds. */
  pythonHasSeaLsp(python: string): boolean;
}

export interface ResolveInput {
  serverPath: string;
  pythonPath: string;
  workspaceFolder?: string;
  home?: string;
}

export type Resolution =
  | { ok: true; command: string; args: string[]; description: string }
  | { ok: false; message: string };

export const SERVE_ARGS = ["serve"];
export const FIX_HINT = "pip install sea-lsp, or set sea.serverPath";

/** Expands `~` and `${workspaceFolder}`; makes a relative path with a slash workspace-relative. */
export function expandPath(raw: string, workspaceFolder?: string, home?: string): string {
  let path = raw.trim();
  if (home && (path === "~" || path.startsWith("~/"))) path = home + path.slice(1);
  if (workspaceFolder) path = path.split("${workspaceFolder}").join(workspaceFolder);
  const relative = !path.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(path);
  if (relative && /[\\/]/.test(path) && workspaceFolder) {
    path = `${workspaceFolder.replace(/[\\/]+$/, "")}/${path.replace(/^\.[\\/]/, "")}`;
  }
  return path;
}

function locate(name: string, probe: Probe): string | undefined {
  if (/[\\/]/.test(name)) return probe.isExecutable(name) ? name : undefined;
  return probe.which(name);
}

/** Finds the server command, or explains what is missing and how to fix it. */
export function resolveServerCommand(input: ResolveInput, probe: Probe): Resolution {
  const serverPath = input.serverPath.trim();
  if (serverPath) {
    const path = expandPath(serverPath, input.workspaceFolder, input.home);
    const found = locate(path, probe);
    if (found) return { ok: true, command: found, args: [...SERVE_ARGS], description: `${found} serve` };
    return {
      ok: false,
      message: `sea.serverPath is set to "${serverPath}", but no executable was found there. Fix: ${FIX_HINT}.`,
    };
  }
  const onPath = probe.which("sea-lsp");
  if (onPath) return { ok: true, command: onPath, args: [...SERVE_ARGS], description: `${onPath} serve` };

  const pythonPath = input.pythonPath.trim();
  const pythons = pythonPath ? [expandPath(pythonPath, input.workspaceFolder, input.home)] : ["python3", "python"];
  const tried: string[] = [];
  for (const name of pythons) {
    const python = locate(name, probe);
    if (!python) {
      tried.push(`${name} (not found)`);
      continue;
    }
    if (probe.pythonHasSeaLsp(python)) {
      return {
        ok: true,
        command: python,
        args: ["-m", "sea_lsp", ...SERVE_ARGS],
        description: `${python} -m sea_lsp serve`,
      };
    }
    tried.push(`${python} (no sea_lsp module)`);
  }
  return {
    ok: false,
    message: `The sea-lsp server was not found: no sea-lsp on PATH; tried ${tried.join(", ")}. Fix: ${FIX_HINT}.`,
  };
}
