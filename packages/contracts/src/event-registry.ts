import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { EnvelopeSchema, type EventEnvelope, type ServiceName } from './envelope.js';
import type { EventDefinition } from './event-definition.js';
import { EventValidationError, UnknownEventTypeError, UpcastError, type FieldProblem } from './errors.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

interface Entry {
  readonly definition: EventDefinition;
  readonly check: TypeCheck<TSchema>;
}

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);

/**
 * The event types one process knows. Validation runs when an event is written (`checkNew`)
 * and when it is read (`decode`), where old schema versions are upcast first.
 */
export class EventRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(definitions: Iterable<EventDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  register(definition: EventDefinition): this {
    const key = keyOf(definition.service, definition.type);
    if (this.entries.has(key)) throw new TypeError(`event ${definition.service}/${definition.type} registered twice`);
    this.entries.set(key, { definition, check: TypeCompiler.Compile(definition.schema) });
    return this;
  }

  definitions(service?: ServiceName): EventDefinition[] {
    return [...this.entries.values()].map((e) => e.definition).filter((d) => !service || d.service === service);
  }

  get(service: string, type: string): EventDefinition {
    return this.entry(service, type).definition;
  }

  has(service: string, type: string): boolean {
    return this.entries.has(keyOf(service, type));
  }

  /** Validates data about to be written; returns the schema version it is written at. */
  /** Whether `data` is valid for the type's current schema, without building an error (hot read paths). */
  isValidData(service: string, type: string, data: unknown): boolean {
    return this.entry(service, type).check.Check(data);
  }

  checkNew(service: string, type: string, data: unknown, context: string): number {
    const { definition, check } = this.entry(service, type);
    if (!check.Check(data)) throw new EventValidationError(type, definition.schemaVersion, problems(check, data), context);
    return definition.schemaVersion;
  }

  /**
   * Turns a stored or received envelope into a current one: checks the envelope shape,
   * upcasts `data` to the current schema version, and validates it.
   */
  decode(raw: unknown, context = 'event'): EventEnvelope {
    if (!envelopeCheck.Check(raw)) {
      throw new EventValidationError('envelope', 1, problems(envelopeCheck, raw), context);
    }
    const env = raw as EventEnvelope;
    const { definition, check } = this.entry(env.service, env.type);
    let data = env.data;
    if (env.schemaVersion > definition.schemaVersion) {
      throw new UpcastError(env.type, env.schemaVersion, definition.schemaVersion, 'written by a newer schema');
    }
    for (let v = env.schemaVersion; v < definition.schemaVersion; v++) {
      const up = definition.upcasters[v];
      if (!up) throw new UpcastError(env.type, v, definition.schemaVersion, `no upcaster from v${v}`);
      try {
        data = up(data);
      } catch (cause) {
        throw new UpcastError(env.type, v, v + 1, 'upcaster threw', { cause });
      }
    }
    if (!check.Check(data)) {
      throw new EventValidationError(env.type, definition.schemaVersion, problems(check, data), `${context} seq ${env.seq}`);
    }
    return data === env.data && env.schemaVersion === definition.schemaVersion
      ? env
      : { ...env, data, schemaVersion: definition.schemaVersion };
  }

  private entry(service: string, type: string): Entry {
    const e = this.entries.get(keyOf(service, type));
    if (!e) throw new UnknownEventTypeError(type, service);
    return e;
  }
}

function keyOf(service: string, type: string): string {
  return `${service}/${type}`;
}

function problems(check: TypeCheck<TSchema>, value: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of check.Errors(value)) {
    out.push({ path: e.path, message: e.message });
    if (out.length >= 5) break;
  }
  return out;
}
