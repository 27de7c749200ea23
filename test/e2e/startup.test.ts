/**
 * Cron starts mlsync thousands of times a day: `--version` and `--help` must load commander and nothing
 * of the heavy stack. A module-resolution hook records every package the process resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './harness.js';

const HEAVY = ['got', 'zod', 'yaml', 'ora', 'cli-table3', 'better-sqlite3', 'p-retry', 'p-queue', 'keytar'];

const dir = mkdtempSync(join(tmpdir(), 'mlsync-startup-'));
const logFile = join(dir, 'resolved.txt');
writeFileSync(
  join(dir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  appendFileSync(${JSON.stringify(logFile)}, specifier + '\\n');
  return next(specifier, context);
}`,
);
writeFileSync(
  join(dir, 'register.mjs'),
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
);

function resolvedBy(args: string[]): { code: number | null; stdout: string; packages: string[] } {
  writeFileSync(logFile, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const specifiers = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  const packages = specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !s.startsWith('file:'));
  return { code: r.status, stdout: r.stdout, packages };
}

describe('start-up cost', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version loads commander and none of the heavy modules', () => {
    const r = resolvedBy(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.packages).toContain('commander');
    for (const heavy of HEAVY) expect(r.packages, heavy).not.toContain(heavy);
  });

  it('--help loads commander and none of the heavy modules', () => {
    const r = resolvedBy(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mlsync');
    expect(r.stdout).toContain('Exit codes:');
    for (const heavy of HEAVY) expect(r.packages, heavy).not.toContain(heavy);
  });

  it('the hook does see heavy modules when a command needs them (the test can fail)', () => {
    const r = resolvedBy(['validate', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.packages).toEqual(expect.arrayContaining(['yaml']));
  });
});
