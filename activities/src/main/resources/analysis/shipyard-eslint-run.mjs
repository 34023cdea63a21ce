// Runs ESLint through its API: argv = eslint's lib/api.js URL, project dir, config file, report.
import { writeFileSync } from "node:fs";

const [apiUrl, project, config, report] = process.argv.slice(2);
const { ESLint } = await import(apiUrl);
const eslint = new ESLint({ cwd: project, overrideConfigFile: config, errorOnUnmatchedPattern: false });
const results = await eslint.lintFiles(["**/*.js", "**/*.mjs", "**/*.cjs"]);
writeFileSync(report, JSON.stringify(results));
