/**
 * The exporter's convict formats, each declared with the TypeScript type its values have once
 * coerced and validated, so a schema entry's format alone gives the entry's type
 * (see `option()` in option.ts). Convict's format registry is process-wide: importing this
 * module registers them all, once.
 */
import convict from 'convict';

/** A convict format; `T` is what `coerce` yields for every value `validate` accepts. */
export interface FormatDefinition<T> {
  validate(value: unknown): void;
  coerce(value: unknown): unknown;
  /** Type-level only: never set. */
  readonly parsed?: T;
}

function format<T>(definition: Omit<FormatDefinition<T>, 'parsed'>): FormatDefinition<T> {
  return definition;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const MQTT_MODES = ['auto', 'on', 'off'] as const;
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;

export const formats = {
  seconds: format<number>({
    validate(value) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error('must be a positive number of seconds');
    },
    coerce: (v) => Number(v),
  }),

  'seconds-or-zero': format<number>({
    validate(value) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('must be 0 or a positive number of seconds');
    },
    coerce: (v) => Number(v),
  }),

  milliseconds: format<number>({
    validate(value) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error('must be a positive whole number of milliseconds');
    },
    coerce: (v) => Number(v),
  }),

  /** 0 included: a count whose 0 turns something off. */
  'whole-number': format<number>({
    validate(value) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error('must be a whole number, 0 or more');
    },
    coerce: (v) => Number(v),
  }),

  'positive-int': format<number>({
    validate(value) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error('must be a whole number of at least 1');
    },
    coerce: (v) => Number(v),
  }),

  /** Empty is allowed: an optional endpoint left unset. */
  'http-url': format<string>({
    validate(value) {
      if (value === '') return;
      let url: URL;
      try {
        url = new URL(String(value));
      } catch {
        throw new Error('must be an http:// or https:// URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http:// or https:// URL');
    },
    coerce: (v) => String(v).trim(),
  }),

  'log-level': format<(typeof LOG_LEVELS)[number]>({
    validate(value) {
      if (!(LOG_LEVELS as readonly unknown[]).includes(value)) throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);
    },
    // The Python exporter documented WARNING and upper case.
    coerce: (v) => {
      const level = String(v).trim().toLowerCase();
      return level === 'warning' ? 'warn' : level;
    },
  }),

  'metric-prefix': format<string>({
    validate(value) {
      // A config file gives values as they are: `true` or `42` is no name.
      if (typeof value !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(value)) {
        throw new Error('must start with a letter or underscore and hold only letters, digits and underscores');
      }
    },
    coerce: (v) => String(v).trim(),
  }),

  secret: format<string>({
    validate(value) {
      if (typeof value !== 'string') throw new Error('must be a string');
      if (/\s/.test(value)) throw new Error('contains white space; keys are single words (check for a pasted line break)');
    },
    // Pasted keys often carry a trailing newline, which the cloud answers with 8521.
    coerce: (v) => String(v).trim(),
  }),

  /** Empty: not set here, so the other OTLP protocol variable or the default applies. */
  'otlp-protocol': format<'' | (typeof OTLP_PROTOCOLS)[number]>({
    validate(value) {
      if (value === '' || (OTLP_PROTOCOLS as readonly unknown[]).includes(value)) return;
      if (value === 'grpc') throw new Error('grpc is not supported by this exporter; use http/protobuf (port 4318) or http/json');
      throw new Error('must be http/protobuf or http/json');
    },
    coerce: (v) => String(v).trim().toLowerCase(),
  }),

  switch: format<boolean>({
    validate(value) {
      if (typeof value !== 'boolean') throw new Error('must be true or false');
    },
    // Environment values are strings: "0" and "no" must not read as true.
    coerce: (v) => {
      const text = String(v).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return true;
      if (['false', '0', 'no', 'off'].includes(text)) return false;
      return text;
    },
  }),

  'mqtt-mode': format<(typeof MQTT_MODES)[number]>({
    validate(value) {
      if (!(MQTT_MODES as readonly unknown[]).includes(value)) throw new Error('must be auto, on or off');
    },
    coerce: (v) => {
      const text = String(v).trim().toLowerCase();
      if (['true', '1', 'yes'].includes(text)) return 'on';
      if (['false', '0', 'no'].includes(text)) return 'off';
      return text;
    },
  }),

  'instance-name': format<string>({
    validate(value) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{0,32}$/.test(value)) throw new Error('may hold up to 32 letters, digits, - and _');
    },
    coerce: (v) => String(v).trim(),
  }),
};

/** The parsed type of each format of ours, by name. */
export type CustomFormatTypes = { [K in keyof typeof formats]: (typeof formats)[K] extends FormatDefinition<infer T> ? T : never };

/** Convict's own named formats that we may use, with what they yield. */
export interface BuiltinFormatTypes {
  port: number;
  nat: number;
  int: number;
  url: string;
  ipaddress: string;
}

for (const [name, definition] of Object.entries(formats)) {
  convict.addFormat({ name, validate: definition.validate, coerce: definition.coerce });
}
