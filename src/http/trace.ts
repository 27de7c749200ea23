/**
 * `--trace <file>`: every HTTP exchange as one JSON object per line. The client redacts entries
 * before writing them; the file is still created owner-only (0600), because a trace shows business
 * data (suppliers, amounts) that other users of the machine have no business reading.
 */
import { chmodSync, closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { TraceEntry, TraceSink } from './types.js';

const OWNER_ONLY = 0o600;

/** Opens (or appends to) a trace file. Writes are synchronous so a crash loses no line already written. */
export function openTraceFile(path: string): TraceSink {
  const fd = openSync(path, 'a', OWNER_ONLY);
  // The mode above applies only when the file is created; an older, wider file is narrowed too.
  try {
    chmodSync(path, OWNER_ONLY);
  } catch {
    // Not our file to change (another owner): keep writing, the content is redacted anyway.
  }
  let open = true;
  return {
    write(entry: TraceEntry): void {
      if (!open) return;
      writeSync(fd, `${JSON.stringify(entry)}\n`);
    },
    async close(): Promise<void> {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}
