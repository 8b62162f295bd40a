// eslint.config.js — gonogo's storage rules inside `eslint .` (CDK, Pulumi, AWS SDK, exec calls).
import js from "@eslint/js";
import gonogo from "gonogo/eslint-plugin";

export default [
  js.configs.recommended,
  gonogo.configs.recommended,
  // Or pick rules and severities yourself:
  // { plugins: { gonogo }, rules: { "gonogo/bucket-delete": "error", "gonogo/bucket-unprotected": "off" } },
];
