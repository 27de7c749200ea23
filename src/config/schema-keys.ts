/**
 * The keys a zod object schema accepts at a path of the config, so an unknown key can be answered with
 * the known ones. Reads zod 4's schema definitions (`_zod.def`); a union picks the option whose
 * discriminator matches the data (`system: basware` → the Basware keys).
 */
import type { z } from 'zod';
import type { KeyPath } from './yaml-source.js';

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  discriminator?: string;
  element?: Schema;
  valueType?: Schema;
  values?: unknown[];
}
interface Schema {
  _zod: { def: Def };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(schema: Schema, value: unknown): Schema {
  let s = schema;
  for (;;) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in && def.out) s = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else if (def.type === 'union' && def.options) {
      const picked = pickOption(def, value);
      if (!picked) return s;
      s = picked;
    } else return s;
  }
}

function pickOption(def: Def, value: unknown): Schema | undefined {
  const options = def.options ?? [];
  if (def.discriminator && value && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    return options.find((o) => {
      const field = unwrap(o, undefined)._zod.def.shape?.[def.discriminator!];
      return field?._zod.def.values?.includes(tag) ?? false;
    });
  }
  return options.find((o) => unwrap(o, value)._zod.def.type === 'object');
}

function child(schema: Schema, seg: string | number): Schema | undefined {
  const def = schema._zod.def;
  if (def.type === 'object') return def.shape?.[String(seg)];
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** The value at a key path of plain data; undefined when any part is missing. */
export function valueAt(data: unknown, path: KeyPath): unknown {
  let v = data;
  for (const seg of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

export function knownKeysAt(root: z.ZodType, data: unknown, path: KeyPath): string[] {
  let schema: Schema | undefined = root as unknown as Schema;
  for (let i = 0; i <= path.length && schema; i++) {
    schema = unwrap(schema, valueAt(data, path.slice(0, i)));
    if (i < path.length) schema = child(schema, path[i]!);
  }
  const shape = schema?._zod.def.type === 'object' ? schema._zod.def.shape : undefined;
  return shape ? Object.keys(shape) : [];
}
