/**
 * How mlsync speaks. Three modes: on a terminal, spinners (ora, on stderr) and tables (cli-table3);
 * without one (cron), plain timestamped lines; with --json, one JSON document on stdout and the log
 * on stderr. Every line passes the redactor first, so no secret reaches a terminal, a cron mail or a
 * CI log. ora and cli-table3 are loaded only when a terminal is there to show them.
 */
import type { Redactor } from '../secrets/redactor.js';

export type OutputMode = 'tty' | 'plain' | 'json';

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  redactor: Redactor;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export interface Step {
  update(text: string): void;
  succeed(text: string): void;
  warn(text: string): void;
  fail(text: string): void;
}

interface Spinner {
  text: string;
  start(): Spinner;
  succeed(text?: string): Spinner;
  warn(text?: string): Spinner;
  fail(text?: string): Spinner;
}

export class Output {
  readonly mode: OutputMode;
  readonly quiet: boolean;
  readonly verbose: boolean;
  private readonly redactor: Redactor;
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;
  private oraFactory: ((opts: { text: string; stream: NodeJS.WriteStream }) => Spinner) | undefined;
  private tableFactory: (new (opts: object) => { push(...rows: unknown[]): number; toString(): string }) | undefined;

  constructor(opts: OutputOptions) {
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
    this.mode = opts.json ? 'json' : this.out.isTTY && this.err.isTTY ? 'tty' : 'plain';
    this.quiet = opts.quiet ?? false;
    this.verbose = opts.verbose ?? false;
    this.redactor = opts.redactor;
  }

  /** Load the terminal libraries once, only in TTY mode. */
  async prepare(): Promise<void> {
    if (this.mode !== 'tty') return;
    const [{ default: ora }, { default: Table }] = await Promise.all([import('ora'), import('cli-table3')]);
    this.oraFactory = ora as unknown as typeof this.oraFactory;
    this.tableFactory = Table as unknown as typeof this.tableFactory;
  }

  private line(stream: NodeJS.WriteStream, text: string): void {
    const clean = this.redactor.text(text);
    if (this.mode === 'plain') {
      const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      stream.write(clean.split('\n').map((l) => `${ts} ${l}`).join('\n') + '\n');
    } else {
      stream.write(clean + '\n');
    }
  }

  /** Progress and facts. Suppressed by --quiet; in JSON mode on stderr. */
  info(text: string): void {
    if (this.quiet) return;
    this.line(this.mode === 'json' ? this.err : this.out, text);
  }

  /** Only with --verbose. */
  debug(text: string): void {
    if (this.verbose) this.line(this.err, text);
  }

  warn(text: string): void {
    this.line(this.err, text);
  }

  error(text: string): void {
    this.line(this.err, text);
  }

  /** A unit of work: a spinner on a terminal, one line at the end otherwise. */
  step(text: string): Step {
    if (this.mode === 'tty' && this.oraFactory && !this.quiet) {
      const spinner = this.oraFactory({ text: this.redactor.text(text), stream: this.err }).start();
      return {
        update: (t) => {
          spinner.text = this.redactor.text(t);
        },
        succeed: (t) => spinner.succeed(this.redactor.text(t)),
        warn: (t) => spinner.warn(this.redactor.text(t)),
        fail: (t) => spinner.fail(this.redactor.text(t)),
      };
    }
    return {
      update: (t) => this.debug(t),
      succeed: (t) => this.info(t),
      warn: (t) => this.warn(t),
      fail: (t) => this.error(t),
    };
  }

  /** A table on a terminal; aligned plain columns otherwise. Not printed in JSON mode. */
  table(head: string[], rows: Array<Array<string | number>>): void {
    if (this.mode === 'json' || this.quiet) return;
    const cells = rows.map((r) => r.map((c) => this.redactor.text(String(c))));
    if (this.mode === 'tty' && this.tableFactory) {
      const t = new this.tableFactory({ head, style: { head: ['bold'], compact: true } });
      for (const r of cells) t.push(r);
      this.out.write(t.toString() + '\n');
      return;
    }
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    this.line(this.out, [fmt(head), ...cells.map(fmt)].join('\n'));
  }

  /** The one JSON document of --json mode, redacted. */
  json(value: unknown): void {
    if (this.mode !== 'json') return;
    this.out.write(JSON.stringify(this.redactor.value(value), null, 2) + '\n');
  }
}
