import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MAX_SECRET_BYTES, readSecretValue } from '../../src/secrets/secret-input.js';

function piped(...chunks: Array<string | Buffer>): NodeJS.ReadStream {
  return Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))) as unknown as NodeJS.ReadStream;
}

/** A terminal: records raw-mode switches, and "types" each keystroke group once the prompt listens. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  isRaw = false;
  readonly rawModes: boolean[] = [];
  private readonly typed: string[];
  constructor(typed: string[]) {
    super();
    this.typed = [...typed];
  }
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    this.rawModes.push(mode);
    return this;
  }
  resume(): this {
    const next = this.typed.shift();
    // Keystrokes arrive only while raw mode is on, as on a real terminal after the prompt.
    if (next !== undefined) setImmediate(() => this.emit('data', Buffer.from(next)));
    return this;
  }
  pause(): this {
    return this;
  }
}

function screen(): { text: string; write(t: string): void } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

describe('readSecretValue from stdin (not a terminal)', () => {
  it('takes everything, minus exactly one trailing newline', async () => {
    expect(await readSecretValue('x', { stdin: piped('s3cret\n') })).toBe('s3cret');
    expect(await readSecretValue('x', { stdin: piped('s3cret\r\n') })).toBe('s3cret');
    expect(await readSecretValue('x', { stdin: piped('two\n\n') })).toBe('two\n');
    expect(await readSecretValue('x', { stdin: piped('no-newline') })).toBe('no-newline');
  });

  it('keeps a whole .ionapi file as it is, across chunks', async () => {
    const ionapi = JSON.stringify({ ti: 'ACME_PRD', ci: 'ACME_PRD~abc', cs: 'client-secret-äö', saak: 'ACME_PRD#k', sask: 's' }, null, 2);
    const bytes = Buffer.from(`${ionapi}\n`);
    expect(await readSecretValue('infor-prod-ionapi', { stdin: piped(bytes.subarray(0, 37), bytes.subarray(37)) })).toBe(ionapi);
  });

  it('refuses nothing, too much, binary and NUL bytes', async () => {
    await expect(readSecretValue('basware-secret', { stdin: piped() })).rejects.toThrow(
      "Nothing came on stdin for secret 'basware-secret'; nothing was stored. Pipe the value in (mlsync secrets set basware-secret < file)",
    );
    await expect(readSecretValue('x', { stdin: piped('\n') })).rejects.toBeInstanceOf(ConfigError);
    await expect(readSecretValue('x', { stdin: piped('a'.repeat(MAX_SECRET_BYTES + 1)) })).rejects.toThrow(/larger than 64 KiB/);
    await expect(readSecretValue('x', { stdin: piped(Buffer.from([0xff, 0xfe, 0x41])) })).rejects.toThrow(/not UTF-8 text/);
    await expect(readSecretValue('x', { stdin: piped('a\u0000b') })).rejects.toThrow(/NUL byte/);
  });
});

describe('readSecretValue at a terminal', () => {
  it('asks twice with echo off, and shows nothing of what was typed', async () => {
    const tty = new FakeTerminal(['hunter2-xyz\r', 'hunter2-xyz\r']);
    const out = screen();
    const value = await readSecretValue('basware-secret', { stdin: tty as never, prompt: out });
    expect(value).toBe('hunter2-xyz');
    expect(tty.rawModes).toEqual([true, false, true, false]);
    expect(tty.isRaw).toBe(false);
    expect(out.text).toBe("Value of secret 'basware-secret' (typing is not shown): \nType it again to confirm: \n");
  });

  it('backspace and Ctrl-U edit; arrow keys are not part of the value', async () => {
    const tty = new FakeTerminal(['wrongg\u0015pass\u007fs\u001b[DX\u001bOA\r', 'passX\r']);
    expect(await readSecretValue('x', { stdin: tty as never, prompt: screen() })).toBe('passX');
  });

  it('refuses two different entries, and Ctrl-C cancels', async () => {
    await expect(readSecretValue('x', { stdin: new FakeTerminal(['one-value\r', 'other-value\r']) as never, prompt: screen() })).rejects.toThrow(
      'The two values differ; nothing was stored.',
    );
    await expect(readSecretValue('x', { stdin: new FakeTerminal(['abc\u0003']) as never, prompt: screen() })).rejects.toThrow('Cancelled; nothing was stored.');
  });
});
