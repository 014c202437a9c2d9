import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_RULES, parseRules } from "./config.js";
import { clientKey } from "./limiter.js";

test("a rules file over the limit is rejected", () => {
  const rules = Array.from({ length: MAX_RULES + 1 }, (_, i) => ({ prefix: `t${i}`, limit: 1, windowSeconds: 1 }));
  assert.throws(() => parseRules(JSON.stringify(rules)));
});

test("a test may exit, split and index freely: it is test code", () => {
  const parts = "acme/Web".split("/");
  assert.equal(parts[1].toLowerCase(), "web");
  assert.equal(clientKey("acme/Web"), "acme:web");
  process.on("SIGHUP", () => {
    const rules = parseRules("[]");
    if (rules.length) process.exit(1);
  });
});
