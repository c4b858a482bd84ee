import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_MESSAGE_BYTES, parseQuotaMessage, parseStatusMessage } from '../../../src/stream/stream-message.js';
import { STREAM_TYPE_CODES } from '../../../src/devices/stream-type-codes.js';

const parse = (o: unknown) => parseQuotaMessage(Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)));

test('a type-code message is merged under the prefix quota/all uses for that module', () => {
  for (const [typeCode, prefix] of Object.entries(STREAM_TYPE_CODES)) {
    assert.deepEqual(parse({ typeCode, params: { soc: 55, nested: { a: 1 } } }), {
      kind: 'quota',
      shape: 'type_code',
      quotas: { [`${prefix}.soc`]: 55, [`${prefix}.nested`]: { a: 1 } },
    });
  }
  assert.equal(STREAM_TYPE_CODES.pdStatus, 'pd');
  assert.equal(STREAM_TYPE_CODES.bmsStatus, 'bms_bmsStatus');
  assert.equal(STREAM_TYPE_CODES.emsStatus, 'bms_emsStatus');
});

test('a cmdFunc/cmdId message becomes <cmdFunc>_<cmdId>.<key>, numbers given as strings too', () => {
  assert.deepEqual(parse({ cmdFunc: 20, cmdId: 1, param: { pv1InputWatts: 900 } }), { kind: 'quota', shape: 'cmd', quotas: { '20_1.pv1InputWatts': 900 } });
  assert.deepEqual(parse({ cmdFunc: '2', cmdId: '1', param: { watts: 12 } }), { kind: 'quota', shape: 'cmd', quotas: { '2_1.watts': 12 } });
});

test('params envelopes and flat messages merge as they are, without the envelope fields', () => {
  assert.deepEqual(parse({ id: '1', version: '1.0', timestamp: 1, params: { 'pd.soc': 5, 'bmsMaster.soc': 6 } }), {
    kind: 'quota',
    shape: 'params',
    quotas: { 'pd.soc': 5, 'bmsMaster.soc': 6 },
  });
  assert.deepEqual(parse({ id: '9', bms_batt_soc: 55, 'v1p0.x': 3 }), { kind: 'quota', shape: 'flat', quotas: { bms_batt_soc: 55, 'v1p0.x': 3 } });
});

test('what is not a quota message is an unknown, by reason, with a short printable sample', () => {
  const reason = (payload: unknown) => {
    const r = parse(payload);
    return r.kind === 'unknown' ? r.reason : r.kind;
  };
  assert.equal(reason('{"truncated":'), 'not_json');
  assert.equal(reason('<html>502</html>'), 'not_json');
  assert.equal(reason('[1,2]'), 'not_an_object');
  assert.equal(reason('42'), 'not_an_object');
  assert.equal(reason({ typeCode: 'warpCoreStatus', params: { a: 1 } }), 'unknown_type_code');
  assert.equal(reason({ typeCode: 'pdStatus', params: {} }), 'no_values');
  assert.equal(reason({ typeCode: 'pdStatus' }), 'no_values');
  assert.equal(reason({ cmdFunc: 20, cmdId: 1, param: 'x' }), 'no_values');
  assert.equal(reason({ id: '1', version: '1.0' }), 'no_values');
  const huge = parseQuotaMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'x'));
  assert.equal(huge.kind === 'unknown' && huge.reason, 'too_large');
  const sample = parseQuotaMessage(Buffer.from(`\u0000\u0001${'é'.repeat(1000)}`));
  assert.ok(sample.kind === 'unknown' && sample.sample.length <= 121 && !/[\u0000\u0001]/.test(sample.sample), 'clipped, control characters replaced');
});

test('a status message says online or offline; anything else is an unknown', () => {
  const status = (o: unknown) => parseStatusMessage(Buffer.from(JSON.stringify(o)));
  assert.deepEqual(status({ id: '180778957', params: { status: 1 }, timestamp: 1759069300916, version: '1.0' }), { kind: 'status', online: true });
  assert.deepEqual(status({ params: { status: 0 } }), { kind: 'status', online: false });
  assert.deepEqual(status({ params: { status: '0' } }), { kind: 'status', online: false });
  for (const bad of [{ params: { status: 2 } }, { status: 1 }, { params: null }]) {
    const r = status(bad);
    assert.equal(r.kind === 'unknown' && r.reason, 'bad_status', JSON.stringify(bad));
  }
});
