import assert from "node:assert/strict";
import { test } from "node:test";
import { expandPath, FIX_HINT, type Probe, resolveServerCommand } from "../src/serverCommand";

function probe(files: string[], path: Record<string, string>, pythonsWithSea: string[] = []): Probe {
  return {
    which: (name) => path[name],
    isExecutable: (p) => files.includes(p),
    pythonHasSeaLsp: (python) => pythonsWithSea.includes(python),
  };
}

test("sea.serverPath wins and is expanded", () => {
  const r = resolveServerCommand(
    { serverPath: "~/venv/bin/sea-lsp", pythonPath: "", home: "/home/u" },
    probe(["/home/u/venv/bin/sea-lsp"], { "sea-lsp": "/usr/bin/sea-lsp" }),
  );
  assert.deepEqual(r, { ok: true, command: "/home/u/venv/bin/sea-lsp", args: ["serve"], description: "/home/u/venv/bin/sea-lsp serve" });
});

test("a missing sea.serverPath is an error with the fix, not a fallback", () => {
  const r = resolveServerCommand({ serverPath: "/nope/sea-lsp", pythonPath: "" }, probe([], { "sea-lsp": "/usr/bin/sea-lsp" }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.message.includes('"/nope/sea-lsp"') && r.message.includes(FIX_HINT));
});

test("sea-lsp on PATH comes before python -m", () => {
  const r = resolveServerCommand({ serverPath: "", pythonPath: "" }, probe([], { "sea-lsp": "/usr/bin/sea-lsp", python3: "/usr/bin/python3" }, ["/usr/bin/python3"]));
  assert.ok(r.ok && r.command === "/usr/bin/sea-lsp" && r.args.join(" ") === "serve");
});

test("falls back to a python that has sea_lsp", () => {
  const r = resolveServerCommand(
    { serverPath: "", pythonPath: "" },
    probe([], { python3: "/usr/bin/python3", python: "/usr/bin/python" }, ["/usr/bin/python"]),
  );
  assert.ok(r.ok);
  assert.equal(r.ok && r.command, "/usr/bin/python");
  assert.deepEqual(r.ok && r.args, ["-m", "sea_lsp", "serve"]);
});

test("sea.pythonPath relative to the workspace", () => {
  const r = resolveServerCommand(
    { serverPath: "", pythonPath: ".venv/bin/python", workspaceFolder: "/w/proj" },
    probe(["/w/proj/.venv/bin/python"], {}, ["/w/proj/.venv/bin/python"]),
  );
  assert.ok(r.ok && r.command === "/w/proj/.venv/bin/python");
});

test("nothing found: the message lists what was tried and how to fix it", () => {
  const r = resolveServerCommand({ serverPath: "", pythonPath: "" }, probe([], { python3: "/usr/bin/python3" }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok && /no sea_lsp module/.test(r.message) && /python \(not found\)/.test(r.message));
  assert.ok(!r.ok && r.message.includes("pip install sea-lsp, or set sea.serverPath"));
});

test("expandPath", () => {
  assert.equal(expandPath("${workspaceFolder}/bin/x", "/w"), "/w/bin/x");
  assert.equal(expandPath("./bin/x", "/w/"), "/w/bin/x");
  assert.equal(expandPath("sea-lsp", "/w"), "sea-lsp");
  assert.equal(expandPath("~", "/w", "/home/u"), "/home/u");
  assert.equal(expandPath("/abs/x", "/w"), "/abs/x");
});
