import assert from "node:assert/strict";
import { test } from "node:test";
import { fileArgs, formatTaskResult, formatTestResult, formatTrainResult, runTaskArgs, validateTaskText } from "../src/commandArgs";

const range = { start: { line: 3, character: 0 }, end: { line: 5, character: 2 } };

test("runTask arguments carry text, uri and range", () => {
  assert.deepEqual(runTaskArgs("  fix it ", "file:///w/a.py", range), { text: "fix it", uri: "file:///w/a.py", range });
  assert.deepEqual(runTaskArgs("fix it"), { text: "fix it" });
  assert.deepEqual(runTaskArgs("fix it", undefined, range), { text: "fix it" }, "a range without a file is meaningless");
  assert.throws(() => runTaskArgs("   "), /Describe the task/);
  assert.equal(validateTaskText(""), 'Describe the task, e.g. "add a docstring to mean".');
  assert.equal(validateTaskText("x"), undefined);
});

test("file arguments", () => {
  assert.deepEqual(fileArgs("file:///w/t.py"), { uri: "file:///w/t.py" });
  assert.deepEqual(fileArgs(undefined), {});
});

test("test results", () => {
  assert.deepEqual(formatTestResult({ passed: 6, failed: 1, errors: 0, tests: [] }), {
    message: "SEA tests: 6 passed, 1 failed — failing lines are marked in the Problems panel.",
    ok: false,
  });
  assert.deepEqual(formatTestResult({ passed: 7, failed: 0, errors: 0 }), { message: "SEA tests: 7 passed, 0 failed", ok: true });
  assert.equal(formatTestResult({ passed: 1, failed: 0, errors: 2 }).message.includes("2 errors"), true);
  assert.equal(formatTestResult(null).ok, false);
});

test("task results", () => {
  assert.deepEqual(formatTaskResult({ solved: true, applied: true, summary: "fixed range end", offer: "o1" }), {
    message: "SEA task applied: fixed range end",
    ok: true,
  });
  assert.equal(formatTaskResult({ solved: true, applied: false }).message, "SEA task solved, not applied.");
  assert.equal(formatTaskResult({ solved: false, summary: "budget spent" }).ok, false);
  assert.equal(formatTaskResult("x").ok, false);
});

test("train results", () => {
  assert.deepEqual(formatTrainResult({ started: true, pid: 42, log: "/tmp/t.log" }), {
    message: "SEA: training on your feedback started (pid 42); its log: /tmp/t.log.",
    ok: true,
  });
  assert.equal(formatTrainResult({ started: false }).ok, false);
});
