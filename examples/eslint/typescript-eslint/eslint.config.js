// eslint.config.js — a TypeScript project linted with typescript-eslint: its configs name and
// parse .ts/.tsx/.mts/.cts files, and gonogo's rules run on them as on JS files.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import gonogo from "gonogo/eslint-plugin";

export default [
  js.configs.recommended,
  ...tseslint.configs.recommended,
  gonogo.configs.recommended,
];
