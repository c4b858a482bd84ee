import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoFleet } from '../../../src/simulator/fleet.js';
import {
  MAX_MESSAGE_BYTES,
  STREAM_TYPE_CODES,
  carries,
  decodeQuotaMessage,
  decodeStatusMessage,
  encodeQuotaMessages,
  encodeStatusMessage,
  type QuotaShape,
  parseTopic,
  topicOf,
} from '../../../src/stream/message-codec.js';

const parse = (o: unknown) => decodeQuotaMessage(Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)));

// --- decoding --------------------------------------------------------------------------------

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
  assert.equal(reason({ typeCode: 'constructor', params: { a: 1 } }), 'unknown_type_code');
  assert.equal(reason({ typeCode: 'pdStatus', params: {} }), 'no_values');
  assert.equal(reason({ typeCode: 'pdStatus' }), 'no_values');
  assert.equal(reason({ cmdFunc: 20, cmdId: 1, param: 'x' }), 'no_values');
  assert.equal(reason({ id: '1', version: '1.0' }), 'no_values');
  const huge = decodeQuotaMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'x'));
  assert.equal(huge.kind === 'unknown' && huge.reason, 'too_large');
  const sample = decodeQuotaMessage(Buffer.from(`\u0000\u0001${'é'.repeat(1000)}`));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what must be gone
  assert.ok(sample.kind === 'unknown' && sample.sample.length <= 121 && !/[\u0000\u0001]/.test(sample.sample), 'clipped, control characters replaced');
});

test('a status message says online or offline; anything else is an unknown', () => {
  const status = (o: unknown) => decodeStatusMessage(Buffer.from(JSON.stringify(o)));
  assert.deepEqual(status({ id: '180778957', params: { status: 1 }, timestamp: 1759069300916, version: '1.0' }), { kind: 'status', online: true });
  assert.deepEqual(status({ params: { status: 0 } }), { kind: 'status', online: false });
  assert.deepEqual(status({ params: { status: '0' } }), { kind: 'status', online: false });
  for (const bad of [{ params: { status: 2 } }, { status: 1 }, { params: null }]) {
    const r = status(bad);
    assert.equal(r.kind === 'unknown' && r.reason, 'bad_status', JSON.stringify(bad));
  }
});

// --- encoding --------------------------------------------------------------------------------

/** The message bodies, as the simulator publishes them (JSON of each). */
const quotaMessages = (shape: QuotaShape, quotas: Record<string, unknown>) => encodeQuotaMessages(shape, quotas).map((m) => m.message);

test('encodeQuotaMessages puts a type code, a cmd prefix, an envelope or nothing around the keys', () => {
  assert.deepEqual(quotaMessages('type_code', { 'pd.soc': 1, 'bms_slave_bmsSlaveStatus_1.soc': 2, 'pd.x': 3 }), [
    { typeCode: 'pdStatus', params: { soc: 1, x: 3 } },
    { typeCode: 'bmsSlaveStatus_1', params: { soc: 2 } },
  ]);
  assert.deepEqual(quotaMessages('cmd', { '2_1.watts': 850, '20_1.a': 1, watts: 3 }), [
    { cmdFunc: 2, cmdId: 1, param: { watts: 850 } },
    { cmdFunc: 20, cmdId: 1, param: { a: 1 } },
  ]);
  assert.deepEqual(quotaMessages('flat', { bms_batt_soc: 55, 'v1p0.x': 3, version: '2' }), [{ bms_batt_soc: 55, 'v1p0.x': 3 }]);
  const [envelope] = quotaMessages('params', { 'pd.soc': 55 }) as Array<Record<string, unknown>>;
  assert.deepEqual(envelope!.params, { 'pd.soc': 55 });
  assert.deepEqual(quotaMessages('params', {}), []);
});

test('a params envelope and a status message are the cloud\'s {"id","version","timestamp","params"}', () => {
  assert.deepEqual(encodeQuotaMessages('params', { 'pd.soc': 55 }, 1759069300916)[0]!.message, {
    id: '1759069300916',
    version: '1.0',
    timestamp: 1759069300916,
    params: { 'pd.soc': 55 },
  });
  assert.deepEqual(encodeStatusMessage(false, 1759069300916), { id: '1759069300916', version: '1.0', timestamp: 1759069300916, params: { status: 0 } });
  for (const online of [true, false]) {
    assert.deepEqual(decodeStatusMessage(Buffer.from(JSON.stringify(encodeStatusMessage(online)))), { kind: 'status', online });
  }
});

// --- round trip ------------------------------------------------------------------------------

const SHAPES: readonly QuotaShape[] = ['type_code', 'cmd', 'params', 'flat'];

/** Encodes `quotas` in `shape`, decodes every message as the exporter would and merges them. */
function roundTrip(shape: QuotaShape, quotas: Record<string, unknown>): { decoded: Record<string, unknown>; left: string[] } {
  const decoded: Record<string, unknown> = {};
  for (const { message, keys } of encodeQuotaMessages(shape, quotas)) {
    const result = decodeQuotaMessage(Buffer.from(JSON.stringify(message)));
    assert.ok(result.kind === 'quota', `${shape}: ${JSON.stringify(message).slice(0, 200)} decodes as ${JSON.stringify(result)}`);
    assert.equal(result.shape, shape);
    assert.deepEqual(Object.keys(result.quotas).sort(), [...keys].sort(), 'a message carries the keys it says it carries');
    for (const key of keys) assert.ok(!(key in decoded), `${key} is carried by one message only`);
    Object.assign(decoded, result.quotas);
  }
  return { decoded, left: Object.keys(quotas).filter((key) => !(key in decoded)) };
}

const publishing = demoFleet().filter((d): d is typeof d & { stream: QuotaShape } => d.stream !== undefined);

test('every demo device, in every shape: the keys the shape carries come back unchanged, the others are left out', () => {
  assert.deepEqual(new Set(publishing.map((d) => d.stream)), new Set(SHAPES), 'the demo fleet has devices of all four shapes');
  for (const device of publishing) {
    for (const shape of SHAPES) {
      const { decoded, left } = roundTrip(shape, device.quotas);
      const carried = Object.keys(device.quotas).filter((key) => carries(shape, key));
      assert.deepEqual(decoded, Object.fromEntries(carried.map((key) => [key, device.quotas[key]])), `${device.deviceName} as ${shape}`);
      assert.deepEqual(
        left,
        Object.keys(device.quotas).filter((key) => !carries(shape, key)),
        `${device.deviceName} as ${shape}: left out`,
      );
    }
  }
});

test('in its own shape, each demo device loses only what its stream cannot carry', () => {
  // What each family's quota/all has that its stream shape has no name for, spelled out.
  const cannot: Record<QuotaShape, (key: string) => boolean> = {
    // No type code names the kit-info module or a second extra battery; a key without a module prefix has none either.
    type_code: (key) => key.startsWith('bms_kitInfo.') || key.startsWith('bms_slave_bmsSlaveStatus_2.') || !key.includes('.'),
    // `2_1`, `2_2`: quota/all's empty modules; a cmd message only carries values inside a module.
    cmd: (key) => !/^\d+_\d+\./.test(key),
    params: () => false,
    flat: (key) => ['id', 'version', 'timestamp', 'typeCode', 'cmdFunc', 'cmdId', 'params', 'param'].includes(key),
  };
  const lost: Record<string, string[]> = {};
  for (const device of publishing) {
    const { decoded, left } = roundTrip(device.stream, device.quotas);
    assert.deepEqual(left, Object.keys(device.quotas).filter(cannot[device.stream]), device.deviceName);
    assert.deepEqual(decoded, Object.fromEntries(Object.entries(device.quotas).filter(([key]) => !left.includes(key))), device.deviceName);
    if (left.length > 0) lost[device.deviceName] = left.map((key) => key.replace(/\..*/, '.*')).filter((k, i, all) => all.indexOf(k) === i);
  }
  assert.deepEqual(lost, {
    'DELTA 2-Garage': ['bms_kitInfo.*'],
    'PowerStream-Balcony': ['2_1', '2_2'],
    'RIVER 2-1003': ['timestamp'],
    'RIVER 2 Max-Van': ['timestamp'],
    'DELTA 2 Max-Cabin': ['bms_slave_bmsSlaveStatus_2.*', 'bms_kitInfo.*'],
  });
});

test('what a flat message leaves out is what the decoder would read as something else', () => {
  // Each of these, sent flat, is taken for an envelope field or another shape's marker.
  const misread: Array<[key: string, message: Record<string, unknown>]> = [
    ['id', { id: '1', soc: 1 }],
    ['version', { version: '1.0', soc: 1 }],
    ['timestamp', { timestamp: 1, soc: 1 }],
    ['typeCode', { typeCode: 'pdStatus', soc: 1 }],
    ['params', { params: { a: 1 }, soc: 1 }],
    ['cmdFunc', { cmdFunc: 20, cmdId: 1, soc: 1 }],
    ['cmdId', { cmdFunc: 20, cmdId: 1, soc: 1 }],
    ['param', { cmdFunc: 20, cmdId: 1, param: { a: 1 } }],
  ];
  for (const [key, message] of misread) {
    assert.equal(carries('flat', key), false, key);
    const result = decodeQuotaMessage(Buffer.from(JSON.stringify(message)));
    assert.ok(result.kind !== 'quota' || result.shape !== 'flat' || !(key in result.quotas), `${key} would come back from a flat message`);
  }
  assert.deepEqual(roundTrip('flat', { soc: 1, 'pd.soc': 2, statusCode: 3 }).left, []);
});

test('cmd and type_code keys are carried only where the decoder gives the same name back', () => {
  assert.deepEqual(roundTrip('cmd', { '20_1.a': 1, '0_0.b': 2, '20_1.': 3, '99999_1.c': 4 }).left, []);
  // `020` would come back as `20`; six digits are not a code the decoder accepts in a string.
  assert.deepEqual(roundTrip('cmd', { '020_1.a': 1, '20_01.a': 2, '123456_1.a': 3, '20_1': 4, 'x_1.a': 5 }).left, [
    '020_1.a',
    '20_01.a',
    '123456_1.a',
    '20_1',
    'x_1.a',
  ]);
  for (const prefix of Object.values(STREAM_TYPE_CODES)) assert.deepEqual(roundTrip('type_code', { [`${prefix}.a.b`]: 1, [`${prefix}.`]: 2 }).left, []);
  assert.deepEqual(roundTrip('type_code', { pd: 1, '.soc': 2, 'bms.soc': 3, 'constructor.x': 4 }).left, ['pd', '.soc', 'bms.soc', 'constructor.x']);
});

test('topics: one form for the connection and the simulator, read back to device and kind; other topics are not ours', () => {
  for (const kind of ['quota', 'status'] as const)
    assert.deepEqual(parseTopic(topicOf('open-abc', 'R331ZEB4ZEAL0528', kind)), { sn: 'R331ZEB4ZEAL0528', kind });
  assert.equal(topicOf('open-abc', 'SN1', 'quota'), '/open/open-abc/SN1/quota', 'the form the EcoFlow broker uses');
  for (const other of ['/open/open-abc/SN1/set', '/open/open-abc/SN1', '/closed/open-abc/SN1/quota', '/open/open-abc//quota', '/open/a/SN1/quota/extra'])
    assert.equal(parseTopic(other), undefined, other);
});
