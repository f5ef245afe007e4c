import assert from "node:assert/strict";
import { test } from "node:test";
import { RestartPolicy } from "../src/restartPolicy";

test("delays grow, then the policy gives up", () => {
  const p = new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 250 });
  assert.deepEqual([p.onCrash(0), p.onCrash(1), p.onCrash(2), p.onCrash(3)], [100, 200, 250, undefined]);
});

test("old crashes leave the window", () => {
  const p = new RestartPolicy({ maxRestarts: 2, windowMs: 1_000, baseDelayMs: 10, maxDelayMs: 1_000 });
  p.onCrash(0);
  p.onCrash(10);
  assert.equal(p.onCrash(5_000), 10);
  assert.equal(p.recentCrashes, 1);
});

test("reset forgets crashes", () => {
  const p = new RestartPolicy({ maxRestarts: 1, windowMs: 1_000, baseDelayMs: 10, maxDelayMs: 1_000 });
  p.onCrash(0);
  assert.equal(p.onCrash(1), undefined);
  p.reset();
  assert.equal(p.onCrash(2), 10);
});
