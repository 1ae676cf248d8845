// Crash policy: restart up to 4 times in 3 minutes, then stay stopped; a manual restart resets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { RestartPolicy } = require("../../out/restartPolicy.js");

test("four crashes restart, the fifth in the window stops", () => {
  let t = 0;
  const p = new RestartPolicy(4, 180_000, () => t);
  const results = [];
  for (let i = 0; i < 5; i++) {
    results.push(p.crashed().restart);
    t += 1_000;
  }
  assert.deepEqual(results, [true, true, true, true, false]);
});

test("crashes older than the window are forgotten", () => {
  let t = 0;
  const p = new RestartPolicy(2, 1_000, () => t);
  assert.equal(p.crashed().restart, true);
  assert.equal(p.crashed().restart, true);
  t = 5_000;
  assert.deepEqual(p.crashed(), { restart: true, count: 1 });
});

test("a manual restart starts counting afresh", () => {
  const p = new RestartPolicy(1, 60_000, () => 0);
  p.crashed();
  assert.equal(p.crashed().restart, false);
  p.reset();
  assert.equal(p.crashed().restart, true);
});
