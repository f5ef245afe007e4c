// What the e2e phases share: the results and screenshots of a run, the project copies they
// work on, and waiting for the SEA status bar, its prompts and the lightbulb.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vs = require("./vscode");

const REPO = path.resolve(__dirname, "..", "..", "..");

/** The steps of one run: each saves a screenshot and a line in results.json. */
class Recorder {
  constructor(artifacts) {
    this.artifacts = artifacts;
    this.results = [];
    this.shot = 0;
  }

  /** Removes what an earlier run of this recorder left (its own files only). */
  clean() {
    fs.mkdirSync(this.artifacts, { recursive: true });
    for (const name of fs.readdirSync(this.artifacts)) {
      if (/^\d\d-.*\.png$/.test(name) || /^(results\.json|code-server-.*\.log|vscode-logs)$/.test(name)) {
        fs.rmSync(path.join(this.artifacts, name), { recursive: true, force: true });
      }
    }
  }

  record(step, ok, detail, screenshot) {
    this.results.push({ step, ok, detail, screenshot });
    console.log(`${ok ? "PASS" : "FAIL"} ${step}: ${detail}`);
  }

  async screenshot(page, name) {
    this.shot += 1;
    const file = path.join(this.artifacts, `${String(this.shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file }).catch((e) => console.log(`screenshot ${name} failed: ${e.message}`));
    return path.relative(REPO, file);
  }

  /** Runs one step; a thrown error fails the step (with a screenshot) and the run goes on. */
  async step(page, name, body) {
    try {
      const { ok, detail } = await body();
      this.record(name, ok, detail, await this.screenshot(page, name));
      return ok;
    } catch (error) {
      this.record(name, false, `error: ${error.message.split("\n")[0]}`, await this.screenshot(page, `${name}-error`));
      return false;
    }
  }

  /** Writes results.json; true when every step passed. */
  finish(seconds) {
    fs.writeFileSync(path.join(this.artifacts, "results.json"), JSON.stringify({ seconds, results: this.results }, null, 2));
    const passed = this.results.filter((r) => r.ok).length;
    console.log(`${passed} passed, ${this.results.length - passed} failed`);
    return passed === this.results.length;
  }
}

/**
 * A copy of `source` (the example project) at `root/name` that the run may modify, or,
 * where there is none, a tiny project with an off-by-one bug.
 */
function prepareProject(root, source, name = "project") {
  const dest = path.join(root, name);
  if (fs.existsSync(path.join(source, "tests"))) {
    fs.cpSync(source, dest, {
      recursive: true,
      filter: (src) => !/(__pycache__|\.pytest_cache|\.egg-info)$/.test(src),
    });
    return {
      dir: dest,
      source: "stats_kit/stats.py",
      test: "tests/test_stats.py",
      buggyLine: "range(len(values) - window)",
      task: "add a test for median",
      taskCreates: "tests/test_stats_generated.py",
    };
  }
  fs.mkdirSync(path.join(dest, "tests"), { recursive: true });
  fs.writeFileSync(
    path.join(dest, "window.py"),
    'def pairs(values):\n    """Every pair of neighbouring values."""\n    out = []\n    for i in range(len(values) - 2):\n        out.append((values[i], values[i + 1]))\n    return out\n',
  );
  fs.writeFileSync(
    path.join(dest, "tests", "test_window.py"),
    "from window import pairs\n\n\ndef test_pairs():\n    assert pairs([1, 2, 3]) == [(1, 2), (2, 3)]\n",
  );
  fs.writeFileSync(path.join(dest, "pyproject.toml"), '[tool.pytest.ini_options]\npythonpath = ["."]\n');
  return {
    dir: dest,
    source: "window.py",
    test: "tests/test_window.py",
    buggyLine: "range(len(values) - 2)",
    task: "add a test for pairs",
    taskCreates: "tests/test_window_generated.py",
  };
}

function lineOf(file, needle) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found in ${file}`);
  return index + 1;
}

/** Waits until the SEA status bar item shows a running server (not the starting spinner). */
async function waitForServer(page, timeout) {
  const item = page.locator(".statusbar-item", { hasText: "SEA" }).first();
  await item.waitFor({ timeout });
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const html = await item.innerHTML();
    if (/codicon-(beaker|shield|sync)/.test(html) && /SEA: (model|loading)/.test(await item.innerText())) return item;
    if (/codicon-error/.test(html)) throw new Error("the SEA status bar shows a failed server");
    await vs.sleep(300);
  }
  throw new Error(`the SEA status bar did not show a running server: "${await item.innerText()}"`);
}

/** Waits for the server's Apply / Show diff / Reject prompt (or the task's end without one). */
async function waitForPrompt(rec, page, timeoutMs, shotName) {
  const toast = await vs.waitForToast(page, /Apply|SEA task|failed:/, timeoutMs);
  const text = (await toast.innerText()).replace(/\s+/g, " ");
  if (!/Apply/.test(text)) return { ok: false, detail: `no Apply prompt; the task ended with "${text}"` };
  const buttons = (await toast.locator(".monaco-button").allInnerTexts()).map((b) => b.trim());
  const message = (await toast.locator(".notification-list-item-message").innerText()).replace(/\s+/g, " ");
  const ok = ["Apply", "Show diff", "Reject"].every((b) => buttons.includes(b));
  if (shotName) await rec.screenshot(page, shotName);
  return { ok, detail: `prompt "${message}" with buttons ${JSON.stringify(buttons)}` };
}

async function clickPromptButton(page, title) {
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: /Apply/ }).first();
  await toast.locator(".monaco-button", { hasText: new RegExp(`^${title}$`) }).click();
}

/**
 * Presses Ctrl+. on the selection until `wanted(entries)` holds (the server proves fixes in
 * the background after a test run, as a user pressing again a little later sees) or `tries`
 * run out; leaves the menu open. Returns the entries last offered and the presses made.
 */
async function lightbulbUntil(page, wanted, tries = 12) {
  const menu = page.locator(".action-widget .monaco-list-row.action");
  let entries = [];
  for (let pressed = 1; pressed <= tries; pressed++) {
    await page.keyboard.press("Control+.");
    const shown = await menu.first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
    entries = shown ? (await menu.allInnerTexts()).map((t) => t.trim()).filter(Boolean) : [];
    if (entries.length && wanted(entries)) return { entries, pressed };
    await page.keyboard.press("Escape");
    await vs.sleep(2_500);
  }
  return { entries, pressed: tries };
}

module.exports = {
  clickPromptButton,
  lightbulbUntil,
  lineOf,
  prepareProject,
  Recorder,
  REPO,
  waitForPrompt,
  waitForServer,
};
