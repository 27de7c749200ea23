#!/usr/bin/env node
// Thin shim: the CLI is compiled to dist/ by `npm ci` (the prepare script). No TypeScript loader at run time.
import { main } from '../dist/cli/main.js';
import { redactProcessText } from '../dist/secrets/redactor.js';

const EXIT_INTERNAL = 70;

// An error's message may quote a secret: the stack passes every secret this process has learned.
function reportInternal(err) {
  process.stderr.write(`mlsync: internal error: ${redactProcessText(err && err.stack ? err.stack : String(err))}\n`);
}

// Node's own report of an uncaught error would print it unredacted (with its cause and properties).
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (err) => {
    reportInternal(err);
    process.exit(EXIT_INTERNAL);
  });
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    reportInternal(err);
    process.exitCode = EXIT_INTERNAL;
  },
);
