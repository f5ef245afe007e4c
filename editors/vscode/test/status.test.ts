import assert from "node:assert/strict";
import { test } from "node:test";
import { formatStatus, parseStatus } from "../src/status";

test("idle server shows the model version", () => {
  const view = formatStatus("running", parseStatus({ version: "0.1.0", modelVersion: "pretrain-3", modelReady: true, trusted: true, taskRunning: false, offers: 4, accepted: 1 }));
  assert.equal(view.text, "$(beaker) SEA: model pretrain-3");
  assert.match(view.tooltip, /SEA server 0\.1\.0/);
  assert.match(view.tooltip, /Suggestions offered: 4, accepted: 1/);
});

test("a running task spins and says so", () => {
  const view = formatStatus("running", parseStatus({ modelVersion: 7, modelReady: true, taskRunning: true }));
  assert.equal(view.text, "$(sync~spin) SEA: model 7 · task running");
  assert.match(view.tooltip, /A task is running/);
});

test("restricted mode and loading model", () => {
  const view = formatStatus("running", parseStatus({ modelReady: false, trusted: false }));
  assert.equal(view.text, "$(shield) SEA: loading model");
  assert.match(view.tooltip, /Restricted Mode/);
});

test("client phases other than running", () => {
  assert.match(formatStatus("starting").text, /loading~spin/);
  assert.match(formatStatus("failed").tooltip, /failed/);
  assert.match(formatStatus("stopped").tooltip, /stopped/);
  assert.match(formatStatus("running").tooltip, /waiting for the server's status/);
});

test("malformed payloads are ignored field by field", () => {
  assert.equal(parseStatus(null), undefined);
  assert.equal(parseStatus([1]), undefined);
  assert.deepEqual(parseStatus({ modelVersion: {}, taskRunning: "yes", offers: Number.NaN, version: "1" }), { version: "1" });
});
