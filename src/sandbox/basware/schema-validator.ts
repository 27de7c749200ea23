/**
 * Phase-1 schema validation (apis/basware.md §3.2) against the OpenAPI entity schemas: required fields,
 * lengths, types, enums, patterns and `additionalProperties: false`. It also returns a normalized copy in
 * which every `date-time` field is UTC ISO 8601 with milliseconds (§3.1), which is what the simulator
 * stores, echoes and compares.
 */
import { OPENAPI_SCHEMAS } from './openapi-schemas.js';

export interface JsonSchema {
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  $ref?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  nullable?: boolean;
  pattern?: string;
  default?: unknown;
}

export interface ValidationOptions {
  /** PATCH: top-level required fields may be absent (null means "not sent", §3.1); nested objects stay strict. */
  partial?: boolean;
}

export interface ValidationResult {
  problems: string[];
  /** The input with date-times normalized; only meaningful when `problems` is empty. */
  value: unknown;
}

/** Stop listing problems for one record after this many; the first ones say what to fix. */
const MAX_PROBLEMS_PER_RECORD = 10;

const REF_PREFIX = '#/components/schemas/';

// ISO 8601 date or date-time; a missing zone is read as UTC (§3.1 accepts any ISO 8601 value or YYYY-MM-DD).
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parse an ISO 8601 date or date-time and render it as `YYYY-MM-DDTHH:mm:ss.sssZ`; undefined when invalid. */
export function normalizeDateTime(text: string): string | undefined {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = frac ? frac.slice(0, 4).padEnd(4, '0') : '.000';
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${z}`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject roll-overs such as 2024-02-30, which Date silently turns into March.
  if (z === 'Z' && date.getUTCDate() !== Number(d)) return undefined;
  return date.toISOString();
}

function resolve(schema: JsonSchema): { schema: JsonSchema; name: string | undefined } {
  if (!schema.$ref) return { schema, name: undefined };
  const name = schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : schema.$ref;
  const target = OPENAPI_SCHEMAS[name];
  if (!target) throw new Error(`schema ${name} is not bundled with the simulator`);
  return { schema: target, name };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Walker {
  readonly problems: string[] = [];

  constructor(private readonly partialTopLevel: boolean) {}

  private add(message: string): void {
    if (this.problems.length < MAX_PROBLEMS_PER_RECORD) this.problems.push(message);
  }

  walk(value: unknown, raw: JsonSchema, path: string, owner: string, depth: number): unknown {
    const { schema, name } = resolve(raw);
    const label = name ?? owner;
    if (value === null) return null; // allowed unless required, which the parent checks
    switch (schema.type) {
      case 'object':
        return this.walkObject(value, schema, path, label, depth);
      case 'array': {
        if (!Array.isArray(value)) {
          this.add(`The field ${path} must be an array.`);
          return value;
        }
        return value.map((item, i) => (schema.items ? this.walk(item, schema.items, `${path}[${i}]`, label, depth + 1) : item));
      }
      case 'string':
        return this.walkString(value, schema, path);
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          this.add(`The field ${path} must be a number.`);
          return value;
        }
        if (schema.type === 'integer' && !Number.isInteger(value)) this.add(`The field ${path} must be an integer.`);
        if (schema.minimum !== undefined && value < schema.minimum) {
          this.add(`The field ${path} must be between ${schema.minimum} and ${schema.maximum ?? 'any'}.`);
        } else if (schema.maximum !== undefined && value > schema.maximum) {
          this.add(`The field ${path} must be between ${schema.minimum ?? 'any'} and ${schema.maximum}.`);
        }
        return value;
      }
      case 'boolean':
        if (typeof value !== 'boolean') this.add(`The field ${path} must be true or false.`);
        return value;
      default:
        return value;
    }
  }

  private walkObject(value: unknown, schema: JsonSchema, path: string, label: string, depth: number): unknown {
    if (!isPlainObject(value)) {
      this.add(path ? `The field ${path} must be an object.` : `The record must be a JSON object (${label}).`);
      return value;
    }
    const props = schema.properties ?? {};
    const prefix = path ? `${path}.` : '';
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (!(key in props)) {
        if (schema.additionalProperties === false) this.add(`The property ${prefix}${key} is not allowed in ${label}.`);
        continue;
      }
    }
    const skipRequired = depth === 0 && this.partialTopLevel;
    for (const key of schema.required ?? []) {
      if (skipRequired) break;
      const v = value[key];
      const propSchema = props[key] ? resolve(props[key]).schema : undefined;
      // ASP.NET's [Required] also rejects an empty string.
      const emptyString = v === '' && propSchema?.type === 'string' && (propSchema.minLength ?? 0) > 0;
      if (v === undefined || v === null || emptyString) this.add(`The ${prefix}${key} field is required.`);
    }
    for (const [key, v] of Object.entries(value)) {
      const propSchema = props[key];
      if (!propSchema) continue;
      if (v === null || v === undefined) {
        out[key] = v;
        continue;
      }
      if (v === '' && (schema.required ?? []).includes(key)) {
        out[key] = v; // already reported as required
        continue;
      }
      out[key] = this.walk(v, propSchema, `${prefix}${key}`, label, depth + 1);
    }
    return out;
  }

  private walkString(value: unknown, schema: JsonSchema, path: string): unknown {
    if (typeof value !== 'string') {
      this.add(`The field ${path} must be a string.`);
      return value;
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      this.add(`The field ${path} must be a string with a maximum length of ${schema.maxLength}.`);
    }
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      this.add(`The field ${path} must be a string with a minimum length of ${schema.minLength}.`);
    }
    if (schema.enum && !schema.enum.includes(value)) {
      this.add(`The value '${value}' is not valid for ${path}; expected one of: ${schema.enum.join(', ')}.`);
    }
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      this.add(`The field ${path} does not match the required format.`);
    }
    if (schema.format === 'date-time') {
      const normalized = normalizeDateTime(value);
      if (normalized === undefined) {
        this.add(`The field ${path} must be an ISO 8601 date-time (for example 2024-03-19T09:30:00Z).`);
        return value;
      }
      return normalized;
    }
    return value;
  }
}

/** Validate one record against a bundled schema (by name, e.g. "VendorEntity"). */
export function validateRecord(value: unknown, schemaName: string, opts: ValidationOptions = {}): ValidationResult {
  const walker = new Walker(opts.partial ?? false);
  const normalized = walker.walk(value, { $ref: `${REF_PREFIX}${schemaName}` }, '', schemaName, 0);
  return { problems: walker.problems, value: normalized };
}
