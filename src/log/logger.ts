/**
 * One line per event: JSON when the output is not a terminal (for log shippers), readable
 * text on a terminal. Known secret values are scrubbed from every line as a last defence.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level: LogLevel;
  format?: 'json' | 'text';
  write?: (line: string) => void;
  secrets?: string[];
}

export class Logger {
  readonly #min: number;
  readonly #options: Required<LoggerOptions>;
  readonly #base: LogFields;

  constructor(options: LoggerOptions, base: LogFields = {}) {
    this.#options = {
      level: options.level,
      format: options.format ?? (process.stdout.isTTY ? 'text' : 'json'),
      write: options.write ?? ((line) => process.stdout.write(`${line}\n`)),
      // Short strings would scrub ordinary words; real keys are far longer.
      secrets: (options.secrets ?? []).filter((s) => s.length >= 6),
    };
    this.#min = ORDER[options.level];
    this.#base = base;
  }

  child(fields: LogFields): Logger {
    return new Logger(this.#options, { ...this.#base, ...fields });
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
    if (ORDER[level] < this.#min) return;
    const all = { ...this.#base, ...fields };
    let line: string;
    if (this.#options.format === 'json') {
      line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...all });
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}`;
    }
    for (const secret of this.#options.secrets) line = line.split(secret).join('[REDACTED]');
    this.#options.write(line);
  }
}
