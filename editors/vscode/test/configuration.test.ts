import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { answerConfiguration, type ScopeReader } from "../src/configuration";

const ALPHA = "file:///work/alpha";
const BETA = "file:///work/beta";

/** Settings as VS Code resolves them: a folder's own values over the window's. */
function store(window: Record<string, unknown>, folders: Record<string, Record<string, unknown>>): ScopeReader {
  return (scope) => (key) => (scope !== undefined && key in (folders[scope] ?? {}) ? folders[scope][key] : window[key]);
}

test("each scope is answered with its own folder's settings, trust with the window's", () => {
  const read = store(
    { lightbulbShowGuesses: true, "budget.seconds": 60, testCommand: "" },
    { [BETA]: { lightbulbShowGuesses: false, "budget.seconds": 5, testCommand: "pytest -x tests" } },
  );
  const items = [{ section: "sea" }, { section: "sea", scopeUri: ALPHA }, { section: "sea", scopeUri: BETA }];
  const { answers, problems } = answerConfiguration(items, [null, null, null], read, true);
  assert.deepEqual(problems, []);
  assert.deepEqual(answers[0], { trusted: true, budget: { seconds: 60 }, testCommand: null, lightbulbShowGuesses: true, llm: {} });
  assert.deepEqual(answers[1], answers[0], "a folder without its own settings gets the window's");
  assert.deepEqual(answers[2], {
    trusted: true,
    budget: { seconds: 5 },
    testCommand: "pytest -x tests",
    lightbulbShowGuesses: false,
    llm: {},
  });
});

test("other sections keep the client's answer; parts of sea are answered from the scope", () => {
  const read = store({ "budget.evaluations": 200 }, { [BETA]: { "budget.evaluations": 7 } });
  const items = [
    { section: "python", scopeUri: BETA },
    { section: "sea.budget", scopeUri: BETA },
    { section: "sea.budget.evaluations" },
    { section: "sea.nothing", scopeUri: BETA },
    { section: "seaside" },
  ];
  const defaults = [{ pythonPath: "/usr/bin/python3" }, "raw", "raw", "raw", { tide: "low" }];
  const { answers } = answerConfiguration(items, defaults, read, false);
  assert.deepEqual(answers, [{ pythonPath: "/usr/bin/python3" }, { evaluations: 7 }, 200, null, { tide: "low" }]);
});

test("an invalid setting is reported once, naming the first scope it was read in", () => {
  const read = store({ logLevel: "LOUD" }, { [BETA]: { "budget.evaluations": -1 } });
  const items = [{ section: "sea" }, { section: "sea", scopeUri: ALPHA }, { section: "sea", scopeUri: BETA }];
  const { answers, problems } = answerConfiguration(items, [], read, false);
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0], /^setting sea\.logLevel must be one of .*got "LOUD"; using the server's default$/);
  assert.match(problems[1], /^setting sea\.budget\.evaluations must be a whole number.* \(in file:\/\/\/work\/beta\)$/);
  assert.deepEqual(answers[2], { trusted: false, budget: {}, llm: {} });
});

test("the settings the server reads per folder may be set per folder; session-wide ones may not", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const props: Record<string, { scope?: string }> = pkg.contributes.configuration.properties;
  // VS Code ignores a folder's value of a setting whose scope is "window" (the default) in a
  // multi-root workspace: these must be "resource" (or machine-overridable) to differ per folder.
  const perFolder = [
    "sea.budget.evaluations",
    "sea.budget.seconds",
    "sea.testCommand",
    "sea.testTimeoutS",
    "sea.testCaseTimeoutS",
    "sea.searchRanking",
    "sea.lightbulbMaxEntries",
    "sea.lightbulbShowGuesses",
  ];
  for (const key of perFolder) assert.ok(["resource", "machine-overridable"].includes(props[key].scope ?? "window"), `${key}: ${props[key].scope}`);
  // one feedback store, one model, one log, one LLM endpoint per session
  for (const key of ["sea.feedbackPath", "sea.checkpoint", "sea.logLevel", "sea.maxFileBytes", "sea.llm.baseUrl"]) {
    assert.equal(props[key].scope ?? "window", "window", key);
  }
});
