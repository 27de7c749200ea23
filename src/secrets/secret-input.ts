/**
 * How a secret value enters mlsync: piped on stdin (`mlsync secrets set infor-prod < ACME_PRD.ionapi`)
 * or typed at a prompt that does not echo. Never from argv, which shell history and `ps` keep.
 */
import { ConfigError } from '../errors.js';

/** Far above an .ionapi file (about 1.5 KB); a bigger input is a mistake (a wrong file piped in). */
export const MAX_SECRET_BYTES = 64 * 1024;
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const ESCAPE = '\u001b';
const BACKSPACE = ['\u007f', '\b'];

/** The parts of a terminal input stream the prompt needs (process.stdin when it is a TTY). */
export interface TerminalInput {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface SecretInputOptions {
  stdin?: NodeJS.ReadableStream & TerminalInput;
  /** Where prompts go (never stdout, which may be piped). Default process.stderr. */
  prompt?: { write(text: string): unknown };
}

/**
 * The value of secret `name`: all of stdin when it is not a terminal (one trailing newline removed, as
 * `echo` and editors add one), else typed twice at a hidden prompt.
 */
export async function readSecretValue(name: string, opts: SecretInputOptions = {}): Promise<string> {
  const stdin = opts.stdin ?? process.stdin;
  const prompt = opts.prompt ?? process.stderr;
  let value: string;
  if (stdin.isTTY) {
    value = await promptHidden(`Value of secret '${name}' (typing is not shown): `, stdin, prompt);
    if (value === '') throw new ConfigError('Nothing was typed; nothing was stored.');
    const again = await promptHidden('Type it again to confirm: ', stdin, prompt);
    if (again !== value) throw new ConfigError('The two values differ; nothing was stored.');
  } else {
    value = stripOneNewline(await readAll(stdin));
    if (value === '') {
      throw new ConfigError(
        `Nothing came on stdin for secret '${name}'; nothing was stored. Pipe the value in (mlsync secrets set ${name} < file), or run the command in a terminal to type it.`,
      );
    }
  }
  if (value.includes('\0')) throw new ConfigError('The value holds a NUL byte; a secret is text (base64-encode binary data). Nothing was stored.');
  return value;
}

function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_SECRET_BYTES) {
      throw new ConfigError(`The value on stdin is larger than ${MAX_SECRET_BYTES / 1024} KiB; is it the right file? Nothing was stored.`);
    }
    chunks.push(bytes);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ConfigError('The value on stdin is not UTF-8 text (base64-encode binary data). Nothing was stored.');
  }
}

/**
 * One line from the terminal with echo off (raw mode: the terminal shows nothing; this code echoes
 * nothing). Enter ends it; backspace and Ctrl-U edit; Ctrl-C cancels; escape sequences (arrow keys) are ignored.
 */
export function promptHidden(question: string, input: TerminalInput, output: { write(text: string): unknown }): Promise<string> {
  return new Promise((resolvePrompt, rejectPrompt) => {
    if (!input.setRawMode) {
      rejectPrompt(new ConfigError('This terminal cannot turn off echo; pipe the value in instead (mlsync secrets set <name> < file). Nothing was stored.'));
      return;
    }
    const wasRaw = input.isRaw ?? false;
    let value = '';
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (err) rejectPrompt(err);
      else resolvePrompt(value);
    };
    // Arrow and function keys send ESC [ … final-byte (or ESC O x): none of it belongs to the secret.
    let escape: 'none' | 'started' | 'sequence' = 'none';
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (escape === 'started') {
          escape = ch === '[' || ch === 'O' ? 'sequence' : 'none';
          continue;
        }
        if (escape === 'sequence') {
          if (ch >= '@' && ch <= '~') escape = 'none';
          continue;
        }
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === CTRL_C || (ch === CTRL_D && value === '')) return finish(new ConfigError('Cancelled; nothing was stored.'));
        if (ch === CTRL_D) return finish();
        if (ch === ESCAPE) escape = 'started';
        else if (BACKSPACE.includes(ch)) value = [...value].slice(0, -1).join('');
        else if (ch === CTRL_U) value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    // Echo off before the question shows: keys typed the moment it appears must not be echoed.
    input.setRawMode(true);
    output.write(question);
    input.on('data', onData);
    input.resume();
  });
}
