/**
 * The typed schema helpers on a small schema: an entry's format (or derive) is its Config type
 * (checked by tsc: the `@ts-expect-error` lines fail the build if they stop being errors), and
 * the runtime walk and derivation follow the same tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convictSchema, deriveConfig, derived, option, walkOptions, type ConfigOf, type Option } from '../../../src/config/option.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_ extends true>(): void {}

const interval = option({
  key: 'poll.interval',
  doc: 'Seconds between polls.',
  format: 'seconds',
  default: 10,
  env: 'INTERVAL',
  arg: 'interval',
  derive: (s) => s * 1000,
});
const schema = {
  verbose: option({ key: 'verbose', doc: 'Say more.', format: Boolean, default: false, env: 'VERBOSE', arg: 'verbose' }),
  poll: {
    intervalMs: interval,
    mode: option({ key: 'poll.mode', doc: 'How to poll.', format: ['fast', 'slow'], default: 'fast', env: 'MODE' }),
    level: option({ key: 'poll.level', doc: 'Log level.', format: 'log-level', default: 'info', env: 'LEVEL' }),
    port: option({ key: 'poll.port', doc: 'A port.', format: 'port', default: 80, env: 'PORT' }),
  },
  // A Config value made of two options; absent when both are empty.
  target: derived(
    {
      host: option({ key: 'target.host', doc: 'Host name.', format: String, default: '', env: 'HOST' }),
      path: option({ key: 'target.path', doc: 'Path.', format: String, default: '/', env: 'TARGET_PATH' }),
    },
    ({ host, path }) => (host ? `${host}${path}` : undefined),
  ),
  deadlineMs: option({
    key: 'poll.deadline',
    doc: 'Seconds; 0 = twice the interval.',
    format: 'seconds-or-zero',
    default: 0,
    env: 'DEADLINE',
    derive: (s, { valueOf }) => (s > 0 ? s * 1000 : 2 * valueOf(interval)),
  }),
  home: derived({}, (_, { env }) => env.HOME),
};
type Small = ConfigOf<typeof schema>;

assertType<
  Equal<
    Small,
    {
      verbose: boolean;
      poll: { intervalMs: number; mode: 'fast' | 'slow'; level: 'debug' | 'info' | 'warn' | 'error'; port: number };
      target?: string;
      deadlineMs: number;
      home?: string;
    }
  >
>();

// A default of another type than the format's is refused.
// @ts-expect-error
option({ key: 'x', doc: 'x', format: Boolean, default: 'yes', env: 'X' });
// @ts-expect-error: not a value of the list
option({ key: 'x', doc: 'x', format: ['a', 'b'], default: 'c', env: 'X' });
// @ts-expect-error: an unknown format name
option({ key: 'x', doc: 'x', format: 'second', default: 1, env: 'X' });
// @ts-expect-error: an entry without its environment variable
option({ key: 'x', doc: 'x', format: String, default: '' });
// @ts-expect-error: derive takes the format's type
option({ key: 'x', doc: 'x', format: 'seconds', default: 1, env: 'X', derive: (s: string) => s });

const RAW: Record<string, unknown> = {
  verbose: true,
  'poll.interval': 2.5,
  'poll.mode': 'slow',
  'poll.level': 'debug',
  'poll.port': 8080,
  'target.host': 'h',
  'target.path': '/p',
  'poll.deadline': 0,
};

test('the options are walked in schema order, derived parts where they stand', () => {
  assert.deepEqual(
    [...walkOptions(schema)].map((o) => o.spec.key),
    ['verbose', 'poll.interval', 'poll.mode', 'poll.level', 'poll.port', 'target.host', 'target.path', 'poll.deadline'],
  );
});

test('values pass through derive; derived values and cross-option rules see derived values', () => {
  const reads: string[] = [];
  const read = (o: Option) => (reads.push(o.spec.key), RAW[o.spec.key]);
  const problems: string[] = [];
  const config = deriveConfig(schema, read, { HOME: '/root' }, problems);
  assert.deepEqual(config, {
    verbose: true,
    poll: { intervalMs: 2500, mode: 'slow', level: 'debug', port: 8080 },
    target: 'h/p',
    deadlineMs: 5000,
    home: '/root',
  });
  assert.deepEqual(problems, []);
  // poll.interval is read by its own entry and by poll.deadline's rule, but derived once.
  assert.equal(reads.filter((key) => key === 'poll.interval').length, 1);
});

test('a value that may be absent is an undefined property, never a missing one', () => {
  const config = deriveConfig(schema, (o) => ({ ...RAW, 'target.host': '' })[o.spec.key], {}, []);
  assert.ok('target' in config && config.target === undefined);
  assert.ok('home' in config && config.home === undefined);
});

test('derive reports problems and loading carries on', () => {
  const strict = {
    a: option({
      key: 'a',
      doc: 'A list.',
      format: String,
      default: '',
      env: 'A',
      derive: (t, { problem, option }) => (t.includes(' ') && problem(`${option.env}: no spaces`), t.split(',')),
    }),
    b: option({ key: 'b', doc: 'B.', format: String, default: '', env: 'B', derive: (t, { problem }) => (problem('B: always'), t) }),
  };
  const problems: string[] = [];
  const config = deriveConfig(strict, () => 'x y', {}, problems);
  assert.deepEqual(problems, ['A: no spaces', 'B: always']);
  assert.deepEqual(config, { a: ['x y'], b: 'x y' });
});

test("the convict schema nests convict's own fields by config-file key", () => {
  const built = convictSchema(schema) as any;
  assert.deepEqual(Object.keys(built), ['verbose', 'poll', 'target']);
  assert.deepEqual(built.poll.interval, { doc: 'Seconds between polls.', format: 'seconds', default: 10, env: 'INTERVAL', arg: 'interval' });
  assert.deepEqual(built.poll.deadline, { doc: 'Seconds; 0 = twice the interval.', format: 'seconds-or-zero', default: 0, env: 'DEADLINE' });
  assert.deepEqual(Object.keys(built.target), ['host', 'path']);
});
