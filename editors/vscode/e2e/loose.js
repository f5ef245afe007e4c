// The loose-file phase of the e2e: VS Code opened on the example project, and a Python file
// OUTSIDE that folder (in a folder with no pyproject.toml, setup.py, setup.cfg or .git)
// opened by its absolute path with Ctrl+P, as a user opens ~/scratch/intervals.py. The
// extension's document selector takes every Python file, so the server gets it and serves
// it in single-file mode: the lightbulb on its line offers SEA actions, and the one picked
// (through "More SEA suggestions…" where the guesses sit) edits the file.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const steps = require("./steps");
const vs = require("./vscode");

const MORE = "More SEA suggestions";
const LOOSE = [
  "def overlap(a, b):",
  '    """Whether the closed intervals a and b overlap."""',
  "    return a[0] < b[1] and b[0] <= a[1]",
  "",
  "",
  "def width(interval):",
  "    return interval[1] - interval[0] + 1",
  "",
].join("\n");
const LINE = 3; // `return a[0] < b[1] and b[0] <= a[1]`

/** `root/scratch/intervals.py`, beside (not inside) the opened project. */
function prepareLooseFile(root) {
  const dir = path.join(root, "scratch");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "intervals.py");
  fs.writeFileSync(file, LOOSE);
  return file;
}

/** Ctrl+. on the selected line until it offers something; picks a SEA entry, applies it. */
async function looseQuickFix(rec, page, file) {
  await vs.openFile(page, file);
  await vs.goToLine(page, LINE);
  await page.keyboard.press("End");
  await page.keyboard.press("Shift+Home");
  const before = await vs.editorText(page);
  const { entries, pressed } = await steps.lightbulbUntil(page, (e) => e.length > 0, 6);
  await rec.screenshot(page, "loose-lightbulb");
  if (!entries.length) return { ok: false, detail: `Ctrl+. pressed ${pressed}x: no code action on ${file}:${LINE}` };
  // a proven fix would come first; a loose file has no tests, so the guesses sit behind More
  const at = Math.max(0, entries.findIndex((t) => t.startsWith(MORE)));
  for (let i = 0; i < at; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  let picked = entries[at];
  if (picked.startsWith(MORE)) {
    const rows = page.locator(".quick-input-widget .monaco-list-row");
    await rows.first().waitFor({ timeout: 20_000 });
    picked = (await rows.first().innerText()).replace(/\s+/g, " ").trim();
    await rec.screenshot(page, "loose-more-suggestions");
    await page.keyboard.press("Enter");
  }
  let after = before;
  for (let i = 0; i < 30 && after === before; i++) {
    await vs.sleep(500);
    after = await vs.editorText(page);
  }
  const changedLine = after.split("\n").find((l, i) => l !== before.split("\n")[i]);
  return {
    ok: after !== before,
    detail: `Ctrl+. pressed ${pressed}x; offered ${JSON.stringify(entries)}; picked "${picked}" -> line now "${(changedLine || "").trim()}"`,
  };
}

/** Runs the phase's steps into `rec`; `project` is the opened folder, `root` the scratch one. */
async function loosePhase({ rec, browser, codeServer, iso, root, project }) {
  const file = prepareLooseFile(root);
  const logFile = path.join(rec.artifacts, "code-server-loose.log");
  const server = await vs.startCodeServer({ codeServer, iso, folder: project.dir, trust: true, logFile });
  const page = await vs.openWorkbench(browser, server.url, project.dir);
  try {
    const started = await rec.step(page, "loose-server-started", async () => {
      await vs.focusWorkbench(page);
      await vs.openFile(page, file);
      const item = await steps.waitForServer(page, 60_000);
      const inside = file.startsWith(project.dir + path.sep);
      return { ok: !inside, detail: `status bar "${(await item.innerText()).trim()}"; ${file} outside ${project.dir}: ${!inside}` };
    });
    if (!started) {
      rec.record("loose-quick-fix", false, "not run: the server did not start (see vscode-logs/*/SEA Agent.log)");
      return;
    }
    await rec.step(page, "loose-quick-fix", () => looseQuickFix(rec, page, file));
  } finally {
    await page.context().close();
    await vs.stopCodeServer(server);
  }
}

module.exports = { loosePhase, prepareLooseFile };
