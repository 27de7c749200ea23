/**
 * What the bench leaves behind if nobody cleans up: temp folders (ledgers, the sandbox's .ionapi file) and
 * child processes. Each is registered here when made, so a normal end, an error or Ctrl-C removes them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set();
const children = new Set();
const closers = new Set();

/** A new private temp folder, removed by cleanup(). */
export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `mlsync-bench-${label}-`));
  dirs.add(dir);
  return dir;
}

/** Register a folder made by someone else (the sandbox's) for removal. */
export function ownDir(dir) {
  dirs.add(dir);
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

export function trackChild(child) {
  children.add(child);
  child.once('close', () => children.delete(child));
}

/** An async close (a sandbox) to run on cleanup; returns a function that unregisters it. */
export function onCleanup(close) {
  closers.add(close);
  return () => closers.delete(close);
}

/** Kill children we started, close what is open, remove temp folders. Safe to call twice. */
export async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const close of closers) {
    try {
      await close();
    } catch {
      // Closing a half-started sandbox can fail; its folder is removed below anyway.
    }
  }
  closers.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
