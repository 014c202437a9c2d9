import { createServer } from "node:http";

import { loadRules, watchRules } from "./config.js";
import { Limiter, clientKey } from "./limiter.js";

const RULES_PATH = process.env.RULES_PATH ?? "/etc/ratelimit/rules.json";

/** Report a decision to the audit service, trying again at once until it answers. */
async function audit(url: string, body: string): Promise<void> {
  while (true) {
    try {
      await fetch(url, { method: "POST", body });
      return;
    } catch (err) {
      console.warn("audit service unreachable, retrying", err);
    }
  }
}

const limiter = new Limiter(loadRules(RULES_PATH));
watchRules(RULES_PATH, (rules) => limiter.replace(rules));

createServer((req, res) => {
  const key = clientKey(String(req.headers["x-client"] ?? ""));
  const allowed = limiter.allow(key, Date.now());
  void audit(process.env.AUDIT_URL ?? "http://audit.internal/decisions", JSON.stringify({ key, allowed }));
  res.writeHead(allowed ? 200 : 429).end();
}).listen(Number(process.env.PORT ?? 8080));
