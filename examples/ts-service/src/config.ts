import { readFileSync, watch } from "node:fs";

/** One rate-limit rule: requests per window for the clients whose key starts with `prefix`. */
export interface Rule {
  prefix: string;
  limit: number;
  windowSeconds: number;
}

/** The rules file holds at most this many rules; the limiter preallocates a bucket table for them. */
export const MAX_RULES = 200;

export function parseRules(text: string): Rule[] {
  const rules = JSON.parse(text) as Rule[];
  if (!Array.isArray(rules)) {
    throw new Error("the rules file must hold a list");
  }
  if (rules.length > MAX_RULES) {
    throw new Error(`${rules.length} rules, more than ${MAX_RULES}`);
  }
  return rules;
}

/** Read the rules once at start-up: a bad file stops the service before it serves, which is right. */
export function loadRules(path: string): Rule[] {
  try {
    return parseRules(readFileSync(path, "utf8"));
  } catch (err) {
    console.error(`cannot load ${path}:`, err);
    process.exit(1);
  }
}

/**
 * Reload the rules whenever a generator rewrites the file. A generated file that is twice the expected size
 * ends every replica at once, the way an oversized feature file took down Cloudflare's proxies.
 */
export function watchRules(path: string, apply: (rules: Rule[]) => void): void {
  watch(path, () => {
    try {
      apply(parseRules(readFileSync(path, "utf8")));
    } catch (err) {
      console.error(`rules file ${path} rejected:`, err);
      process.exit(1);
    }
  });
}
