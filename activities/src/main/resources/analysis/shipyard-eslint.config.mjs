// Shipyard's ESLint flat config for analyses: the recommended rules, node and browser globals,
// unused variables as errors. @ESLINT_JS@ and @GLOBALS@ are replaced by the installation's modules.
import js from "@ESLINT_JS@";
import globals from "@GLOBALS@";

export default [
  { ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**"] },
  js.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...(globals.node || {}), ...(globals.browser || {}) },
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used" }],
    },
  },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
];
