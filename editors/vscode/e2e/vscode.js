// Starting an isolated code-server and driving its workbench with playwright-core.
"use strict";

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Folders and environment that keep code-server away from the user's own config. */
function isolatedEnv(root) {
  const dirs = {
    root,
    config: path.join(root, "xdg-config"),
    data: path.join(root, "xdg-data"),
    tmp: path.join(root, "tmp"),
    userData: path.join(root, "user-data"),
    extensions: path.join(root, "extensions"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, TMPDIR: dirs.tmp };
  delete env.VSCODE_IPC_HOOK_CLI;
  return { dirs, env };
}

function writeUserSettings(dirs, settings) {
  const file = path.join(dirs.userData, "User", "settings.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

function installExtension(codeServer, iso, vsix) {
  return execFileSync(
    process.execPath,
    [codeServer, "--user-data-dir", iso.dirs.userData, "--extensions-dir", iso.dirs.extensions, "--install-extension", vsix, "--force"],
    { env: iso.env, encoding: "utf8", timeout: 120_000 },
  );
}

/** Starts code-server; resolves once /healthz answers. */
async function startCodeServer({ codeServer, iso, folder, trust, logFile }) {
  const port = await freePort();
  const configFile = path.join(iso.dirs.root, `config-${port}.yaml`);
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    codeServer,
    "--config", configFile,
    "--user-data-dir", iso.dirs.userData,
    "--extensions-dir", iso.dirs.extensions,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
  ];
  // Without --disable-workspace-trust an untrusted folder opens in Restricted Mode.
  if (trust) args.push("--disable-workspace-trust");
  args.push(folder);
  const log = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, args, { env: iso.env, stdio: ["ignore", log, log], detached: true });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { child, url, port };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  child.kill("SIGTERM");
  throw new Error(`code-server did not answer on ${url}/healthz within 60 s; see ${logFile}`);
}

async function stopCodeServer(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  try {
    process.kill(-server.child.pid, "SIGTERM");
  } catch {
    server.child.kill("SIGTERM");
  }
  await Promise.race([exited, sleep(5_000)]);
  if (server.child.exitCode === null) {
    try {
      process.kill(-server.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

async function launchBrowser(chromium) {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/** Opens the workbench on `folder` (or a `.code-workspace` file) and waits until it is ready. */
async function openWorkbench(browser, url, folder) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const query = folder.endsWith(".code-workspace") ? "workspace" : "folder";
  await page.goto(`${url}/?${query}=${encodeURIComponent(folder)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  await page.waitForSelector(".statusbar", { timeout: 60_000 });
  return page;
}

/** Focuses the workbench (not the browser chrome) so keyboard shortcuts reach it. */
async function focusWorkbench(page) {
  await page.locator(".part.editor").first().click().catch(() => undefined);
}

async function openQuickInput(page, key) {
  await page.keyboard.press(key);
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 10_000 });
  return input;
}

/** Opens a workspace file with Ctrl+P. */
async function openFile(page, relative) {
  const input = await openQuickInput(page, "Control+P");
  await input.fill(relative);
  const row = page.locator(".quick-input-list .monaco-list-row").first();
  await row.waitFor({ timeout: 15_000 });
  await sleep(300);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab.active[aria-label*="${path.basename(relative)}"], .tab.active:has-text("${path.basename(relative)}")`, { timeout: 15_000 });
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 15_000 });
}

/** The labels the command palette lists for `query`. */
async function paletteEntries(page, query) {
  const input = await openQuickInput(page, "F1");
  await input.fill(`>${query}`);
  await sleep(800);
  const labels = await page.locator(".quick-input-list .monaco-list-row .label-name").allInnerTexts();
  return labels.map((l) => l.replace(/\s+/g, " ").trim());
}

/** Runs a palette command by its exact title, e.g. "SEA: Run Tests in File". */
async function runCommand(page, title) {
  const input = await openQuickInput(page, "F1");
  await input.fill(`>${title}`);
  const first = page.locator(".quick-input-list .monaco-list-row").first();
  await first.locator(".label-name", { hasText: title }).waitFor({ timeout: 15_000 });
  await sleep(300);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: 5_000 }).catch(() => undefined);
}

/** Waits for a notification toast whose text matches `pattern`; returns its locator. */
async function waitForToast(page, pattern, timeout) {
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: pattern }).first();
  await toast.waitFor({ state: "visible", timeout });
  return toast;
}

async function toastTexts(page) {
  return page.locator(".notifications-toasts .notification-toast").allInnerTexts();
}

/** The visible text of the active editor, one string per line. */
async function editorText(page) {
  return page.evaluate(() => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor .view-lines");
    if (!editor) return "";
    const lines = [...editor.querySelectorAll(".view-line")];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => l.textContent.replace(/\u00a0/g, " ")).join("\n");
  });
}

async function goToLine(page, line) {
  const input = await openQuickInput(page, "Control+G");
  await input.fill(`:${line}`);
  await sleep(200);
  await page.keyboard.press("Enter");
  await sleep(300);
}

module.exports = {
  editorText,
  focusWorkbench,
  goToLine,
  installExtension,
  isolatedEnv,
  launchBrowser,
  openFile,
  openWorkbench,
  paletteEntries,
  runCommand,
  sleep,
  startCodeServer,
  stopCodeServer,
  toastTexts,
  waitForToast,
  writeUserSettings,
};
