import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { affectsServerOptions, buildServerOptions } from "../src/settings";

test("the lightbulb settings reach the server, checked", () => {
  const values: Record<string, unknown> = { lightbulbMaxEntries: 3, lightbulbShowGuesses: false };
  const { options, problems } = buildServerOptions((k) => values[k], false);
  assert.deepEqual(problems, []);
  assert.equal(options.lightbulbMaxEntries, 3);
  assert.equal(options.lightbulbShowGuesses, false);
  const bad = buildServerOptions((k) => ({ lightbulbMaxEntries: -1, lightbulbShowGuesses: "no" })[k], false);
  assert.equal(bad.problems.length, 2);
  assert.equal("lightbulbMaxEntries" in bad.options, false);
  assert.equal(affectsServerOptions((s) => s === "sea.lightbulbShowGuesses"), true);
});

test("package.json declares the settings, the review commands and their editor-title buttons", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props["sea.lightbulbMaxEntries"].default, 5);
  assert.equal(props["sea.lightbulbShowGuesses"].default, true);
  const title = pkg.contributes.menus["editor/title"].map((m: { command: string }) => m.command);
  assert.deepEqual(title, ["sea.ui.applyProposal", "sea.ui.rejectProposal"]);
});
