/**
 * End-to-end harness: the sandbox runs in the test process, the CLI runs as a real child process
 * (compiled bin/mlsync.js, as cron would run it), and tests look at what reached the simulators, what
 * the ledger holds, the exit code and the message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startInforBaswareSandbox, type PairSandbox, type PairSandboxOptions } from '../../src/sandbox/pairs/infor-basware.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mlsync.js');
export const CONFIGS = join(ROOT, 'configs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface E2E {
  sandbox: PairSandbox;
  /** Temporary folder of this test: the ledger lives here. */
  dir: string;
  db: string;
  env: Record<string, string>;
  cli(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /** Start the CLI and return the child without waiting (for kill and contention tests). */
  spawnCli(args: string[], opts?: { env?: Record<string, string> }): { child: ChildProcess; done: Promise<CliResult> };
  close(): Promise<void>;
}

export async function startE2E(opts: PairSandboxOptions = {}): Promise<E2E> {
  const sandbox = await startInforBaswareSandbox(opts);
  const dir = mkdtempSync(join(tmpdir(), 'mlsync-e2e-'));
  const db = join(dir, 'ledger.sqlite');
  const env: Record<string, string> = {
    ...sandbox.env,
    MLSYNC_DB: db,
    MLSYNC_CONFIG_DIR: CONFIGS,
  };
  const children = new Set<ChildProcess>();
  const spawnCli = (args: string[], o: { env?: Record<string, string> } = {}) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, TZ: 'UTC', ...env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliResult>((resolveDone) => {
      child.on('close', (code, signal) => {
        children.delete(child);
        resolveDone({ code, signal, stdout, stderr });
      });
    });
    return { child, done };
  };
  return {
    sandbox,
    dir,
    db,
    env,
    spawnCli,
    async cli(args, o = {}) {
      const { child, done } = spawnCli(args, o);
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parse the one JSON document a `--json` command prints. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
