import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../../src/log/logger.js';

function capture(options: Partial<ConstructorParameters<typeof Logger>[0]> = {}) {
  const lines: string[] = [];
  const logger = new Logger({ level: 'debug', format: 'json', write: (l) => lines.push(l), ...options });
  return { logger, lines };
}

test('JSON lines carry the time, level, message and fields', () => {
  const { logger, lines } = capture();
  logger.child({ component: 'poller' }).warn('device poll failed', { sn: 'X1', api_code: '8521' });
  const entry = JSON.parse(lines[0]!);
  assert.equal(entry.level, 'warn');
  assert.equal(entry.msg, 'device poll failed');
  assert.equal(entry.sn, 'X1');
  assert.equal(entry.api_code, '8521');
  assert.equal(entry.component, 'poller');
  assert.ok(!Number.isNaN(Date.parse(entry.time)));
});

test('text lines are readable', () => {
  const { logger, lines } = capture({ format: 'text' });
  logger.info('serving metrics', { url: 'http://localhost:9090/metrics' });
  assert.match(lines[0]!, /^\S+Z INFO {2}serving metrics url=http:\/\/localhost:9090\/metrics$/);
});

test('levels below the configured one are dropped', () => {
  const { logger, lines } = capture({ level: 'warn' });
  logger.info('x');
  logger.debug('y');
  logger.error('z');
  assert.equal(lines.length, 1);
});

test('known secrets are scrubbed from every line', () => {
  const { logger, lines } = capture({ secrets: ['s3cr3t-value', 'abc'] });
  logger.error('oops s3cr3t-value', { detail: 'key=s3cr3t-value', short: 'abc' });
  assert.ok(!lines[0]!.includes('s3cr3t-value'));
  assert.match(lines[0]!, /\[REDACTED\]/);
  assert.match(lines[0]!, /"short":"abc"/, 'strings too short to be keys are left alone');
});

test('a repeating event is written once per window, then with the count it left out', (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const { logger, lines } = capture({ repeatWindowMs: 100 });
  for (let i = 0; i < 50; i++) logger.warn('device poll failed', { sn: `D${i}`, error_kind: 'network' });
  logger.warn('device poll failed', { sn: 'D0', error_kind: 'api', api_code: '8521' });
  logger.debug('device poll failed again', { sn: 'D0' });
  logger.debug('device poll failed again', { sn: 'D0' });
  assert.equal(lines.length, 4, 'one per distinct error, debug never suppressed');
  t.mock.timers.tick(99);
  logger.warn('device poll failed', { sn: 'D7', error_kind: 'network' });
  assert.equal(lines.length, 4, 'still inside the window');
  t.mock.timers.tick(2);
  logger.warn('device poll failed', { sn: 'D7', error_kind: 'network' });
  assert.equal(JSON.parse(lines.at(-1)!).repeated, 50, 'the 49 of the burst and the one inside the window');
});
