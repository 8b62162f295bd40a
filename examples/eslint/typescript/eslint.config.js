// eslint.config.js — a TypeScript project without typescript-eslint. ESLint lints only the files a
// config names, and needs a parser for TypeScript: `gonogo.configs.typescript` names .ts/.tsx/.mts/
// .cts files and reads them with a parser that checks their syntax (other rules see no code there).
import gonogo from "gonogo/eslint-plugin";

export default [
  gonogo.configs.recommended,
  gonogo.configs.typescript,
];
