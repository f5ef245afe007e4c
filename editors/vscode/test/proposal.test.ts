import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyPatch,
  isProposalDiffPath,
  isProposalPreview,
  parseSuggestions,
  parseUnifiedDiff,
  PatchError,
  suggestionPicks,
} from "../src/proposal";

const ORIGINAL = "def mean(xs):\n    total = sum(xs)\n    return total / (len(xs) - 1)\n\n\ndef other():\n    return 1\n";
// what sea_lsp's Overlay.diff writes for the fix
const DIFF = [
  "--- a/pkg/stats.py",
  "+++ b/pkg/stats.py",
  "@@ -1,3 +1,3 @@",
  " def mean(xs):",
  "     total = sum(xs)",
  "-    return total / (len(xs) - 1)",
  "+    return total / len(xs)",
  "",
].join("\n");

test("a server diff gives back the proposed text", () => {
  const [patch] = parseUnifiedDiff(DIFF);
  assert.equal(patch.oldPath, "pkg/stats.py");
  assert.equal(patch.newPath, "pkg/stats.py");
  assert.equal(applyPatch(ORIGINAL, patch), ORIGINAL.replace("(len(xs) - 1)", "len(xs)"));
});

test("several hunks and files, additions, a missing final newline", () => {
  const diff = [
    "--- a/a.py",
    "+++ b/a.py",
    "@@ -1,2 +1,3 @@",
    " x = 1",
    "+y = 2",
    " z = 3",
    "@@ -5 +6 @@",
    "-last",
    "\\ No newline at end of file",
    "+LAST",
    "\\ No newline at end of file",
    "--- /dev/null",
    "+++ b/new.py",
    "@@ -0,0 +1 @@",
    "+created",
    "",
  ].join("\n");
  const [a, created] = parseUnifiedDiff(diff);
  assert.equal(applyPatch("x = 1\nz = 3\nq\nr\nlast", a), "x = 1\ny = 2\nz = 3\nq\nr\nLAST");
  assert.equal(created.oldPath, null);
  assert.equal(applyPatch("", created), "created\n");
});

test("a file that changed since the proposal is refused, not misapplied", () => {
  const [patch] = parseUnifiedDiff(DIFF);
  assert.throws(() => applyPatch(ORIGINAL.replace("total /", "total //"), patch), PatchError);
});

test("the preview request and the diff files are recognised", () => {
  assert.equal(isProposalPreview([{ title: "Apply" }, { title: "Show diff" }, { title: "Reject" }]), true);
  assert.equal(isProposalPreview([{ title: "Open Settings" }]), false);
  assert.equal(isProposalPreview(undefined), false);
  assert.equal(isProposalDiffPath("/home/u/.local/share/sea-lsp/diffs/3f2a.diff"), true);
  assert.equal(isProposalDiffPath("/work/project/changes.diff"), false);
});

test("more suggestions become quick-pick entries; malformed answers are refused", () => {
  const parsed = parseSuggestions({
    offer: "o1",
    items: [{ index: 4, title: "Change `-` to `+`", kind: "repair.binary_operator", guess: true }, { index: "x" }],
  });
  assert.deepEqual(parsed?.items.map((s) => s.index), [4]);
  const [pick] = suggestionPicks(parsed?.items ?? []);
  assert.equal(pick.label, "Change `-` to `+`");
  assert.match(pick.description, /not verified/);
  assert.equal(parseSuggestions({ items: [] }), undefined);
  assert.equal(parseSuggestions(null), undefined);
});
