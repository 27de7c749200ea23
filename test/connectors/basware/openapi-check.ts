/**
 * Checks a value against a schema of basware-p2p-openapi.json: required, additionalProperties:false,
 * types, enums, min/maxLength, numeric bounds, date-time format. Enough to prove that what the mapper
 * builds is what Basware's phase-1 validation accepts; not a general JSON Schema validator.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  enum?: unknown[];
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  format?: string;
  allOf?: Schema[];
};

/** Verbatim subsets of basware-p2p-openapi.json (the schemas mlsync sends and reads, with what they reference). */
const SPEC_FILES = ['fixtures/p2p-openapi-schemas.json', 'fixtures/p2p-document-schemas.json'];
const spec = {
  components: {
    schemas: Object.assign(
      {},
      ...SPEC_FILES.map(
        (file) =>
          (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), file), 'utf8')) as { components: { schemas: Record<string, Schema> } })
            .components.schemas,
      ),
    ) as Record<string, Schema>,
  },
};

export function schemaOf(name: string): Schema {
  const s = spec.components.schemas[name];
  if (!s) throw new Error(`no schema ${name}`);
  return s;
}

function deref(s: Schema): Schema {
  if (s.$ref) return deref(schemaOf(s.$ref.split('/').pop() as string));
  if (s.allOf && s.allOf.length === 1) return { ...deref(s.allOf[0] as Schema), nullable: s.nullable };
  return s;
}

/** The (dereferenced) schema at a dotted path with `[]` for array items, e.g. `companies[].companyCode`. */
export function schemaAt(root: string, path: string): Schema | undefined {
  let s: Schema | undefined = schemaOf(root);
  for (const part of path.split('.')) {
    const array = part.endsWith('[]');
    const key = array ? part.slice(0, -2) : part;
    s = s ? deref(s).properties?.[key] : undefined;
    if (s && array) s = deref(s).items;
  }
  return s ? deref(s) : undefined;
}

export function validate(root: string, value: unknown): string[] {
  const errors: string[] = [];
  walk(schemaOf(root), value, root, errors);
  return errors;
}

function walk(raw: Schema, value: unknown, at: string, errors: string[]): void {
  const s = deref(raw);
  if (value === null) {
    if (!s.nullable) errors.push(`${at}: null not allowed`);
    return;
  }
  switch (s.type) {
    case 'object':
    case undefined: {
      if (s.properties === undefined) return;
      if (typeof value !== 'object' || Array.isArray(value)) return void errors.push(`${at}: expected object`);
      const obj = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (obj[r] === undefined) errors.push(`${at}.${r}: required`);
      for (const [k, v] of Object.entries(obj)) {
        const p = s.properties[k];
        if (!p) {
          if (s.additionalProperties === false) errors.push(`${at}.${k}: not in the schema`);
          continue;
        }
        walk(p, v, `${at}.${k}`, errors);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return void errors.push(`${at}: expected array`);
      value.forEach((v, i) => walk(s.items as Schema, v, `${at}[${i}]`, errors));
      return;
    case 'string': {
      if (typeof value !== 'string') return void errors.push(`${at}: expected string`);
      if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
      if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
      if (s.enum && !s.enum.includes(value)) errors.push(`${at}: ${value} not in enum`);
      if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${at}: not a date-time`);
      return;
    }
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return void errors.push(`${at}: expected number`);
      if (s.type === 'integer' && !Number.isInteger(value)) errors.push(`${at}: expected integer`);
      if (s.minimum !== undefined && value < s.minimum) errors.push(`${at}: below ${s.minimum}`);
      if (s.maximum !== undefined && value > s.maximum) errors.push(`${at}: above ${s.maximum}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: expected boolean`);
      return;
    default:
      return;
  }
}
