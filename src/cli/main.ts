/**
 * The mlsync command line. Only commander loads at start-up: each command imports what it needs when it
 * runs (cron calls this thousands of times a day, and `--help` should not pay for SQLite, got and zod).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from './globals.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const EXIT_HELP = `
Exit codes:
  0   everything done
  1   finished, but some records failed or are held for review
  2   usage or configuration error (nothing was sent)
  3   authentication or connection failure on a side
  4   another run holds the lock for this pair (nothing was done)
  70  internal error

Environment: MLSYNC_CONFIG_DIR (default ./configs), MLSYNC_DB (the ledger file), and the variables each
pair's config reads (see .env.example).`;

export async function main(argv: string[]): Promise<number> {
  let code: ExitCode = EXIT.OK;
  const program = new Command('mlsync');
  const setCode = (c: ExitCode) => {
    code = c;
  };
  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals() as GlobalOptions;

  program
    .description('Keeps an ERP and an accounts-payable platform in step: master data out, approved invoices back exactly once.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--config-dir <dir>', 'folder of pair configs (env MLSYNC_CONFIG_DIR, default ./configs)'))
    .addOption(new Option('--db <file>', 'ledger file (env MLSYNC_DB, default ~/.local/state/mlsync/ledger.sqlite)'))
    .option('--json', 'print one JSON document on stdout; logs go to stderr')
    .option('-q, --quiet', 'print only warnings and errors')
    .option('-v, --verbose', 'print more detail')
    .option('--trace <file>', 'write every HTTP exchange to this file as JSON lines, secrets redacted')
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(run mlsync --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run all flows of a pair, in dependency order')
    .argument('<pair>', 'pair name (configs/<pair>.yaml) or a path to a YAML file')
    .option('--flows <list>', 'comma-separated flows to run, e.g. suppliers,glAccounts')
    .option('--dry-run', 'read, map and validate, but write nothing and move no watermark')
    .option('--full', 'read everything, not only what changed since the last run; still sends only records that differ')
    .action(async (pair: string, opts: { flows?: string; dryRun?: boolean; full?: boolean }, cmd: Command) => {
      const { runCommand } = await import('./commands/run.js');
      setCode(await runCommand(pair, opts, globals(cmd)));
    });

  program
    .command('ping')
    .description('check credentials and reachability of both sides of a pair (or of every pair)')
    .argument('[pair]', 'pair name or path; default: every config in the config folder')
    .action(async (pair: string | undefined, _opts: object, cmd: Command) => {
      const { pingCommand } = await import('./commands/ping.js');
      setCode(await pingCommand(pair, globals(cmd)));
    });

  program
    .command('replay')
    .description('run one invoice again through the same outbox rules (lookup before any write); already posted: writes nothing')
    .argument('<id>', 'record id, from `mlsync status` or `mlsync audit`')
    .option('--dry-run', 'show the requests a replay would send, send nothing')
    .action(async (id: string, opts: { dryRun?: boolean }, cmd: Command) => {
      const { replayCommand } = await import('./commands/replay.js');
      setCode(await replayCommand(id, opts, globals(cmd)));
    });

  program
    .command('status')
    .description('last runs, watermarks, record counts by state, and records held for review with their reasons')
    .argument('[pair]', 'pair name; default: every pair in the ledger')
    .option('--limit <n>', 'held records to list', '20')
    .action(async (pair: string | undefined, opts: { limit: string }, cmd: Command) => {
      const { statusCommand } = await import('./commands/status.js');
      setCode(await statusCommand(pair, opts, globals(cmd)));
    });

  const audit = program
    .command('audit')
    .description('list audit entries; `audit show <id>` for one record, `audit verify` to check the hash chain')
    .argument('[pair]', 'pair name; default: every pair')
    .option('--status <outcome>', 'only entries with this outcome (ok, held, failed, ...)')
    .option('--flow <flow>', 'only entries of this flow')
    .option('--since <when>', 'only entries at or after this time (ISO date or date-time, or e.g. 24h, 7d)')
    .option('--limit <n>', 'entries to list', '50')
    .action(async (pair: string | undefined, opts: Record<string, string>, cmd: Command) => {
      const { auditListCommand } = await import('./commands/audit.js');
      setCode(await auditListCommand(pair, opts, globals(cmd)));
    });
  audit
    .command('show')
    .description('show one record (by the id from status or audit) and its whole audit trail')
    .argument('<id>', 'record id')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { auditShowCommand } = await import('./commands/audit.js');
      setCode(await auditShowCommand(id, globals(cmd)));
    });
  audit
    .command('verify')
    .description('check that no audit entry was edited, removed or inserted (hash chain)')
    .action(async (_opts: object, cmd: Command) => {
      const { auditVerifyCommand } = await import('./commands/audit.js');
      setCode(await auditVerifyCommand(globals(cmd)));
    });

  program
    .command('validate')
    .description('load and check a pair config; print what is wrong and where')
    .argument('<pair>', 'pair name or path')
    .action(async (pair: string, _opts: object, cmd: Command) => {
      const { validateCommand } = await import('./commands/validate.js');
      setCode(await validateCommand(pair, globals(cmd)));
    });

  const secrets = program
    .command('secrets')
    .description('named secrets for pair configs (secret:<name>), in the OS keychain or the encrypted vault file');
  secrets
    .command('set')
    .description('store a secret; the value comes from stdin or a hidden prompt, never from the command line')
    .argument('<name>', "secret name: letters, digits, '.', '_' and '-'")
    // Let a value typed after the name through, so the command refuses it with the reason instead of
    // commander printing it back in "too many arguments" / "unknown option".
    .allowExcessArguments()
    .allowUnknownOption()
    .action(async (name: string, _opts: object, cmd: Command) => {
      const { secretsSetCommand } = await import('./commands/secrets.js');
      setCode(await secretsSetCommand(name, cmd.args.slice(1), globals(cmd)));
    });
  secrets
    .command('list')
    .description('show which store is in use and the names of the secrets in it (never their values)')
    .action(async (_opts: object, cmd: Command) => {
      const { secretsListCommand } = await import('./commands/secrets.js');
      setCode(await secretsListCommand(globals(cmd)));
    });
  secrets
    .command('delete')
    .description('remove a secret')
    .argument('<name>', 'secret name')
    .action(async (name: string, _opts: object, cmd: Command) => {
      const { secretsDeleteCommand } = await import('./commands/secrets.js');
      setCode(await secretsDeleteCommand(name, globals(cmd)));
    });

  program
    .command('demo')
    .description('start the built-in sandbox for a pair on loopback and run the pair against it')
    .argument('[pair]', 'pair to demonstrate', 'infor-basware')
    .option('--keep', 'keep the sandbox running afterwards and print the environment to point mlsync at it')
    .action(async (pair: string, opts: { keep?: boolean }, cmd: Command) => {
      const { demoCommand } = await import('./commands/demo.js');
      setCode(await demoCommand(pair, opts, globals(cmd)));
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.CONFIG;
    }
    throw err;
  }
  return code;
}
