import assert from "node:assert/strict";
import { test } from "node:test";
import { affectsServerCommand, affectsServerOptions, buildServerOptions } from "../src/settings";

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test("settings map to the nested camelCase options the server expects", () => {
  const { options, problems } = buildServerOptions(
    reader({
      serverPath: "/opt/sea-lsp",
      "budget.evaluations": 50,
      "budget.seconds": 12.5,
      testCommand: "pytest -x",
      testTimeoutS: 30,
      maxFileBytes: 2048,
      feedbackPath: "",
      storeSourceText: true,
      checkpoint: null,
      logLevel: "debug",
      "llm.baseUrl": "http://127.0.0.1:11434/v1",
      "llm.model": "qwen",
      "llm.apiKeyEnv": "MY_KEY",
      "llm.timeoutS": 5,
    }),
    true,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(options, {
    trusted: true,
    budget: { evaluations: 50, seconds: 12.5 },
    testCommand: "pytest -x",
    testTimeoutS: 30,
    maxFileBytes: 2048,
    feedbackPath: null,
    storeSourceText: true,
    checkpoint: null,
    logLevel: "DEBUG",
    llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "qwen", apiKeyEnv: "MY_KEY", timeoutS: 5 },
  });
  assert.equal("serverPath" in options, false, "client-only settings are not sent");
});

test("trust is always sent, even with no settings", () => {
  assert.deepEqual(buildServerOptions(reader({}), false).options, { trusted: false, budget: {}, llm: {} });
});

test("invalid values are dropped with a message naming the setting", () => {
  const { options, problems } = buildServerOptions(
    reader({ "budget.evaluations": -3, testTimeoutS: "soon", logLevel: "LOUD", storeSourceText: "yes", "llm.model": 7 }),
    true,
  );
  assert.deepEqual(options, { trusted: true, budget: {}, llm: {} });
  assert.equal(problems.length, 5);
  assert.match(problems[0], /sea\.budget\.evaluations must be a whole number/);
  assert.ok(problems.some((p) => /sea\.logLevel must be one of DEBUG, INFO, WARNING, ERROR/.test(p)));
  assert.ok(problems.some((p) => /sea\.storeSourceText must be true or false, got "yes"/.test(p)));
});

test("non-integer counts are refused, fractional seconds kept", () => {
  const { options, problems } = buildServerOptions(reader({ maxFileBytes: 1.5, "budget.seconds": 0.25 }), true);
  assert.equal(options.maxFileBytes, undefined);
  assert.equal(options.budget.seconds, 0.25);
  assert.equal(problems.length, 1);
});

test("which changes restart the server and which are pushed", () => {
  const only = (name: string) => (s: string) => s === name;
  assert.equal(affectsServerCommand(only("sea.serverPath")), true);
  assert.equal(affectsServerOptions(only("sea.serverPath")), false);
  assert.equal(affectsServerOptions(only("sea.llm.model")), true);
  assert.equal(affectsServerCommand(only("sea.llm.model")), false);
});

test("the editor-latency settings reach the server and every server setting is declared", async () => {
  const { options, problems } = buildServerOptions(reader({ codeActionDeadlineMs: 80, typingIdleMs: 0 }), true);
  assert.deepEqual(problems, []);
  assert.equal(options.codeActionDeadlineMs, 80);
  assert.equal(options.typingIdleMs, 0);
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props["sea.codeActionDeadlineMs"].default, 50);
  assert.equal(props["sea.typingIdleMs"].default, 300);
});
