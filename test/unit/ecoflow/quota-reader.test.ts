import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseQuotaAnswer, type QuotaReadPlan } from '../../../src/ecoflow/quota-reader.js';

const PAYLOADS = fileURLToPath(new URL('../../../src/simulator/payloads/', import.meta.url));

/** A plan taking every key, or those `take` says, and noting what it was shown. */
function plan(take: (key: string) => boolean = () => true) {
  const asked: string[] = [];
  const leftOut: [string, unknown][] = [];
  const p: QuotaReadPlan = {
    begin() {
      asked.length = 0;
      leftOut.length = 0;
    },
    take(key) {
      asked.push(key);
      return take(key);
    },
    leaveOut: (key, value) => leftOut.push([key, value]),
  };
  return { p, asked, leftOut };
}

const answer = (data: unknown, spacing?: number) => JSON.stringify({ code: '0', message: 'Success', data, eagleEyeTraceId: 'abc', tid: '' }, null, spacing);

test('taking every key, an answer reads as JSON.parse reads it: every payload of the simulator, compact and indented', () => {
  const files = readdirSync(PAYLOADS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 10, 'the payloads are found');
  for (const file of files) {
    const data = JSON.parse(readFileSync(PAYLOADS + file, 'utf8'));
    for (const text of [answer(data), answer(data, 2)]) {
      const { p, asked } = plan();
      assert.deepEqual(parseQuotaAnswer(text, p), JSON.parse(text), file);
      assert.deepEqual(asked, Object.keys(data), `${file}: asked once per key, in payload order`);
    }
  }
});

test('odd keys and values come out as JSON.parse makes them', () => {
  const texts = [
    '{"code":"0","data":{"__proto__":{"x":1},"constructor":2,"a\\"b":3,"\\u00e9t\\u00e9":"\\ud83d\\ude00","back\\\\":"\\\\","":null,"neg":-1.5e-3,"t":true,"f":false,"arr":[[],{},[{"k":"}]"}]],"s":"{[\\"]}"}}',
    ' \t\r\n{ "code" : 0 , "data" : { } , "message" : "x" } \n',
    '{"data":{"dup":1,"x":2,"dup":3}}',
    '{"code":"0","data":null}',
    '{"code":"0","data":[1,2]}',
    '{"code":"0"}',
    '"just a string"',
    '[1,2,3]',
  ];
  for (const text of texts) {
    const parsed = parseQuotaAnswer(text, plan().p);
    assert.deepEqual(parsed, JSON.parse(text), text);
    assert.deepEqual(JSON.stringify(parsed), JSON.stringify(JSON.parse(text)), `${text}: the same key order`);
  }
  const proto = parseQuotaAnswer(texts[0]!, plan().p) as { data: Record<string, unknown> };
  assert.ok(Object.hasOwn(proto.data, '__proto__'), '__proto__ is an own key, as JSON.parse makes it');
  assert.equal(Object.getPrototypeOf(proto.data), Object.prototype);
});

test('what JSON.parse refuses is refused with a SyntaxError', () => {
  const bad = [
    '',
    '<html><body>502 Bad Gateway</body></html>',
    '{"code":"0","data":{"a":1,}}',
    '{"code":"0","data":{"a":01}}',
    '{"code":"0","data":{"a":[1,2}}',
    '{"code":"0","data":{"a":"x\ny"}}',
    '{"code":"0","data":{"a":1}',
    '{"code":"0","data":{"a":"unterminated}}',
    '{"code":"0","data":{a:1}}',
    '{"code":"0","data":{"a" 1}}',
    '{"code":"0","data":{"a":}}',
    '{"code":"0","data":{"a":1}} trailing',
    '{"code":"0","data":{"a":1}}{}',
    '{"code":"0","data":{"a":NaN}}',
    '{"code":"0" "data":{}}',
  ];
  for (const text of bad) {
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse refuses ${JSON.stringify(text)}`);
    assert.throws(() => parseQuotaAnswer(text, plan().p), SyntaxError, JSON.stringify(text));
  }
});

test('keys the plan does not take are not in the answer; the plan sees each of them parsed, in payload order', () => {
  const data = { a: 1, big: [1, 2, { c: 3 }], b: '2', c: { d: 4 } };
  const { p, asked, leftOut } = plan((key) => key === 'a' || key === 'c');
  const read = parseQuotaAnswer(answer(data), p) as { data: Record<string, unknown>; code: string };
  assert.deepEqual(read.data, { a: 1, c: { d: 4 } });
  assert.equal(read.code, '0');
  assert.deepEqual(asked, ['a', 'big', 'b', 'c']);
  assert.deepEqual(leftOut, [
    ['big', [1, 2, { c: 3 }]],
    ['b', '2'],
  ]);
});

test('the plan is asked about the keys of data only, not of the envelope nor of nested objects', () => {
  const { p, asked } = plan();
  parseQuotaAnswer('{"code":"0","data":{"x":{"inner":1},"y":[{"z":2}]},"extra":{"data":{"q":1}}}', p);
  assert.deepEqual(asked, ['x', 'y']);
});

test('a key given twice keeps its last value in its first place, as JSON.parse does, whatever room the plan has left', () => {
  let room = 1;
  const p: QuotaReadPlan = { begin() {}, take: () => room-- > 0, leaveOut() {} };
  const text = '{"code":"0","data":{"a":1,"b":2,"a":3}}';
  assert.deepEqual(parseQuotaAnswer(text, p), { code: '0', data: { a: 3 } }, 'a taken once, kept with its last value; b left out');
});

test('of two data objects the last one counts, and the plan starts again at each', () => {
  const { p, asked, leftOut } = plan((key) => key !== 'y');
  const text = '{"code":"0","data":{"x":1,"y":2,"z":3},"data":{"q":4}}';
  assert.deepEqual(parseQuotaAnswer(text, p), JSON.parse(text));
  assert.deepEqual(asked, ['q']);
  assert.deepEqual(leftOut, []);
});
