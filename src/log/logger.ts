/**
 * One line per event: JSON when the output is not a terminal (for log shippers), readable
 * text on a terminal. The same event repeating (a cloud outage seen by every device) is
 * written once per window, with the number left out on the next line written for it. Known
 * secret values are scrubbed from every line as a last defence.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: LogLevel;
  format?: 'json' | 'text' | 'auto';
  write?: (line: string) => void;
  secrets?: string[];
  /** Repeats of one event within this window are counted, not written. Default 60 s; 0 = off. */
  repeatWindowMs?: number;
}

/** What a logger and its children share. */
interface Sink {
  min: number;
  json: boolean;
  write: (line: string) => void;
  secrets: string[];
  repeatWindowMs: number;
  repeats: Map<string, { at: number; suppressed: number }>;
}

const MAX_TRACKED_EVENTS = 1000;

export class Logger {
  #sink: Sink;
  readonly #base: LogFields;

  constructor(options: LoggerOptions, base: LogFields = {}) {
    const format = options.format ?? 'auto';
    this.#sink = {
      min: ORDER[options.level],
      json: format === 'json' || (format === 'auto' && !process.stdout.isTTY),
      write: options.write ?? ((line) => process.stdout.write(`${line}\n`)),
      // Short strings would scrub ordinary words; real keys are far longer.
      secrets: (options.secrets ?? []).filter((s) => s.length >= 6),
      repeatWindowMs: options.repeatWindowMs ?? 60_000,
      repeats: new Map(),
    };
    this.#base = base;
  }

  /** A secret learnt at run time (the MQTT certificate password): scrubbed from every line from now on. */
  addSecret(secret: string): void {
    if (secret.length >= 6 && !this.#sink.secrets.includes(secret)) this.#sink.secrets.push(secret);
  }

  child(fields: LogFields): Logger {
    const child = new Logger({ level: 'debug' }, { ...this.#base, ...fields });
    child.#sink = this.#sink;
    return child;
  }

  debug(msg: string, fields?: LogFields): void {
    this.#log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#log('error', msg, fields);
  }

  #log(level: LogLevel, msg: string, fields?: LogFields): void {
    const sink = this.#sink;
    if (ORDER[level] < sink.min) return;
    const all: LogFields = { ...this.#base, ...fields };
    if (level !== 'debug' && sink.repeatWindowMs > 0) {
      // One event: same level and message, same error; the device does not make it another,
      // a numbered start-up attempt does.
      const key = [level, msg, all.error_kind, all.api_code, all.attempt].map((v) => String(v ?? '')).join('\0');
      const now = Date.now();
      const seen = sink.repeats.get(key);
      if (seen && now - seen.at < sink.repeatWindowMs) {
        seen.suppressed++;
        return;
      }
      if (seen?.suppressed) all.repeated = seen.suppressed;
      if (sink.repeats.size >= MAX_TRACKED_EVENTS) sink.repeats.delete(sink.repeats.keys().next().value!);
      sink.repeats.delete(key);
      sink.repeats.set(key, { at: now, suppressed: 0 });
    }
    let line: string;
    if (sink.json) {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...all });
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}`;
    }
    for (const secret of sink.secrets) line = line.split(secret).join('[REDACTED]');
    sink.write(line);
  }
}
