// The multi-root phase of the e2e: a `.code-workspace` of two folders, `alpha` and `beta`
// (two copies of the example project), opened in a real VS Code. Everything happens in the
// SECOND folder, which the server must serve as well as the first: its tests run and mark
// the failing lines, the lightbulb offers a fix proven by those tests, and a task's proposal
// is applied there (and not in `alpha`). `beta`'s own .vscode/settings.json turns the
// lightbulb's unverified guesses off; `alpha` keeps the window's settings and still offers
// them: each folder is answered with its own settings.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const steps = require("./steps");
const vs = require("./vscode");

const MORE = "More SEA suggestions";
/** The second folder's own settings (a `resource` setting, so VS Code honours it per folder). */
const BETA_SETTINGS = { "sea.lightbulbShowGuesses": false };

/** Two copies of the project and the `.code-workspace` file that holds them. */
function prepareWorkspace(root, source) {
  const dir = path.join(root, "multiroot");
  const alpha = steps.prepareProject(dir, source, "alpha");
  const beta = steps.prepareProject(dir, source, "beta");
  fs.mkdirSync(path.join(beta.dir, ".vscode"), { recursive: true });
  fs.writeFileSync(path.join(beta.dir, ".vscode", "settings.json"), JSON.stringify(BETA_SETTINGS, null, 2));
  const file = path.join(dir, "two-folders.code-workspace");
  const workspace = { folders: [{ path: "alpha" }, { path: "beta" }], settings: {} };
  fs.writeFileSync(file, JSON.stringify(workspace, null, 2));
  return { file, alpha, beta };
}

/** Opens `relative` of `project` by its absolute path (both folders hold the same names). */
function open(page, project, relative) {
  return vs.openFile(page, path.join(project.dir, relative));
}

/** Opens the project's source at its buggy line and selects the line, as a user would. */
async function selectBuggyLine(page, project, line) {
  await open(page, project, project.source);
  await vs.goToLine(page, line);
  await page.keyboard.press("End");
  await page.keyboard.press("Shift+Home");
}

async function serverStarted(page, ws) {
  await vs.focusWorkbench(page);
  await open(page, ws.beta, ws.beta.test);
  const item = await steps.waitForServer(page, 60_000);
  const roots = await page.locator(".explorer-folders-view .monaco-list-row[aria-level='1']").allInnerTexts();
  return { ok: true, detail: `status bar "${(await item.innerText()).trim()}"; explorer roots ${JSON.stringify(roots.map((r) => r.trim()))}` };
}

async function testsInSecondFolder(page) {
  await vs.runCommand(page, "SEA: Run Tests in File");
  const toast = await vs.waitForToast(page, /SEA tests:|failed:/, 120_000);
  const message = (await toast.innerText()).replace(/\s+/g, " ");
  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await rows.first().waitFor({ timeout: 15_000 });
  const markers = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
  await page.keyboard.press("Control+Shift+M");
  return { ok: /[1-9]\d* failed/.test(message) && markers.length > 0, detail: `notification "${message}"; problems: ${JSON.stringify(markers.slice(0, 2))}` };
}

/** beta's lightbulb: the proven fix first, no guesses (its own setting), applied, undone. */
async function provenFixInSecondFolder(rec, page, ws, line) {
  await selectBuggyLine(page, ws.beta, line);
  const before = await vs.editorText(page);
  const { entries, pressed } = await steps.lightbulbUntil(page, (e) => e[0].startsWith("✓ fixes"));
  await rec.screenshot(page, "multiroot-lightbulb-second-folder");
  const proven = entries.length > 0 && entries[0].startsWith("✓ fixes");
  const guesses = entries.some((e) => e.startsWith(MORE));
  if (!proven) return { ok: false, detail: `Ctrl+. pressed ${pressed}x; no proven fix first in ${JSON.stringify(entries)}` };
  await page.keyboard.press("Enter");
  await vs.sleep(1_500);
  const after = await vs.editorText(page);
  const changedLine = after.split("\n").find((l, i) => l !== before.split("\n")[i]);
  if (after !== before) await page.keyboard.press("Control+Z");
  await vs.sleep(500);
  const restored = (await vs.editorText(page)) === before;
  return {
    ok: !guesses && entries.length <= 5 && after !== before && restored,
    detail: `Ctrl+. pressed ${pressed}x; offered ${JSON.stringify(entries)} (guesses hidden by beta/.vscode/settings.json: ${!guesses}); applied -> "${(changedLine || "").trim()}"; undo restored: ${restored}`,
  };
}

/** alpha has no settings of its own: the window's default offers the guesses behind More. */
async function firstFolderKeepsWindowSettings(page, ws, line) {
  await selectBuggyLine(page, ws.alpha, line);
  const { entries, pressed } = await steps.lightbulbUntil(page, (e) => e.some((t) => t.startsWith(MORE)), 4);
  const ok = entries.some((t) => t.startsWith(MORE));
  return { ok, detail: `alpha's lightbulb (Ctrl+. pressed ${pressed}x) offers ${JSON.stringify(entries)}` };
}

/** A task run on beta's file: its proposal is applied in beta, alpha is untouched. */
async function taskInSecondFolder(rec, page, ws, timeoutMs) {
  await page.keyboard.press("Escape");
  await open(page, ws.beta, ws.beta.source);
  await vs.runCommand(page, "SEA: Run Task…");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(ws.beta.task);
  await page.keyboard.press("Enter");
  const prompt = await steps.waitForPrompt(rec, page, timeoutMs, "multiroot-task-prompt");
  if (!prompt.ok) return prompt;
  await steps.clickPromptButton(page, "Apply");
  const done = await vs.waitForToast(page, /SEA task/, 60_000);
  const message = (await done.innerText()).replace(/\s+/g, " ");
  await vs.sleep(1_000);
  const inBeta = fs.existsSync(path.join(ws.beta.dir, ws.beta.taskCreates));
  const inAlpha = fs.existsSync(path.join(ws.alpha.dir, ws.alpha.taskCreates));
  return {
    ok: /applied/.test(message) && inBeta && !inAlpha,
    detail: `${prompt.detail}; "${message}"; ${ws.beta.taskCreates} created in beta: ${inBeta}, in alpha: ${inAlpha}`,
  };
}

const STEPS = ["multiroot-tests-second-folder", "multiroot-proven-fix-second-folder", "multiroot-first-folder-own-settings", "multiroot-task-second-folder"];

/** Runs the phase's steps into `rec`; `root` is the run's scratch folder. */
async function multiRootPhase({ rec, browser, codeServer, iso, root, source, taskTimeoutMs }) {
  const ws = prepareWorkspace(root, source);
  const line = steps.lineOf(path.join(ws.beta.dir, ws.beta.source), ws.beta.buggyLine);
  const logFile = path.join(rec.artifacts, "code-server-multiroot.log");
  const server = await vs.startCodeServer({ codeServer, iso, folder: ws.file, trust: true, logFile });
  const page = await vs.openWorkbench(browser, server.url, ws.file);
  try {
    if (!(await rec.step(page, "multiroot-server-started", () => serverStarted(page, ws)))) {
      for (const name of STEPS) rec.record(name, false, "not run: the server did not start (see vscode-logs/*/SEA Agent.log)");
      return;
    }
    await rec.step(page, STEPS[0], () => testsInSecondFolder(page));
    await rec.step(page, STEPS[1], () => provenFixInSecondFolder(rec, page, ws, line));
    await page.keyboard.press("Escape");
    await rec.step(page, STEPS[2], () => firstFolderKeepsWindowSettings(page, ws, line));
    await rec.step(page, STEPS[3], () => taskInSecondFolder(rec, page, ws, taskTimeoutMs));
  } finally {
    await page.context().close();
    await vs.stopCodeServer(server);
  }
}

module.exports = { BETA_SETTINGS, multiRootPhase, prepareWorkspace };
