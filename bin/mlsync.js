#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (the prepare script). No TypeScript loader at run time.
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mlsync: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
