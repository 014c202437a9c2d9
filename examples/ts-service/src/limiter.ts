import type { Rule } from "./config.js";

/** Counts requests per client key in fixed windows. */
export class Limiter {
  private rules: Rule[];
  private readonly counts = new Map<string, { window: number; count: number }>();

  constructor(rules: Rule[]) {
    this.rules = rules;
  }

  replace(rules: Rule[]): void {
    this.rules = rules;
  }

  allow(key: string, now: number): boolean {
    const rule = this.rules.find((r) => key.startsWith(r.prefix));
    if (!rule) return true;
    const window = Math.floor(now / 1000 / rule.windowSeconds);
    const seen = this.counts.get(key);
    const count = seen && seen.window === window ? seen.count + 1 : 1;
    this.counts.set(key, { window, count });
    return count <= rule.limit;
  }
}

/** The tenant and client of a request, from an `x-client: <tenant>/<client>` header. */
export function clientKey(header: string): string {
  const parts = header.split("/");
  return `${parts[0]}:${parts[1].toLowerCase()}`;
}
