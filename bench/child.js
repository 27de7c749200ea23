/** Runs one child process and times it from spawn to exit, with a clean environment and a hard time limit. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT } from './paths.js';
import { trackChild } from './scratch.js';

/**
 * Variables a bench child must not inherit: a real tenant's settings (so a bench started on a production
 * box can only reach the loopback sandbox and its temp ledger), and NODE_OPTIONS, which would change
 * start-up times.
 */
const INHERITED_PREFIXES_DROPPED = ['MLSYNC_', 'INFOR_', 'BASWARE_', 'IFS_', 'SYSPRO_', 'ACUMATICA_', 'AVIDX_'];
const INHERITED_NAMES_DROPPED = ['NODE_OPTIONS', 'XDG_STATE_HOME'];

export function cleanEnv(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (INHERITED_NAMES_DROPPED.includes(name)) continue;
    if (INHERITED_PREFIXES_DROPPED.some((p) => name.startsWith(p))) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * `node <args>` with the same Node as the bench. Resolves with the wall time (ms), exit code and output;
 * rejects when the child outlives `timeoutMs` (it is killed first).
 */
export function timeNode(args, { env = cleanEnv(), timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (d) => stdout.push(d));
    child.stderr.on('data', (d) => stderr.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not finish within ${timeoutMs / 1000} s and was killed`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        ms: performance.now() - started,
        code: code ?? (signal ? `signal ${signal}` : null),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** Last lines of a child's stderr, for an error message that shows why it failed. */
export function tail(text, lines = 8) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
