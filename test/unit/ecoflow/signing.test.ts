import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { sign } from '../../../src/ecoflow/signing.js';

// The official "Step8: verify that the steps to generate the signature are correct" example.
const DOC = {
  accessKey: 'Fp4SvIprYSDPXtYJidEtUAd1o',
  secretKey: 'WIbFEKre0s6sLnh4ei7SPUeYnptHG6V',
  nonce: '345164',
  timestamp: '1671171709428',
};
const APPENDED = `accessKey=${DOC.accessKey}&nonce=${DOC.nonce}&timestamp=${DOC.timestamp}`;

/** The signature of a string to sign, as the docs define it: HMAC-SHA256 with the secret key, in hex. */
function signatureOf(stringToSign: string): string {
  return createHmac('sha256', DOC.secretKey).update(stringToSign, 'utf8').digest('hex');
}

test('reproduces the documented signing example byte for byte', () => {
  const input = { ...DOC, params: { sn: '123456789', params: { cmdSet: 11, id: 24, eps: 0 } } };
  const documented = '07c13b65e037faf3b153d51613638fa80003c4c38d2407379a7f52851af1473e';
  assert.equal(signatureOf(`params.cmdSet=11&params.eps=0&params.id=24&sn=123456789&${APPENDED}`), documented, "the docs' string to sign");
  assert.equal(sign(input, DOC.secretKey), documented);
});

test('signs a request without parameters and a quota/all query', () => {
  assert.equal(sign({ ...DOC }, DOC.secretKey), '4409ae9efeaf0be9b8b48f02ebef8e804387e745e513588c136955606ca496f5');
  assert.equal(sign({ ...DOC, params: { sn: '123456789' } }, DOC.secretKey), '2296b02874dc12a165e0691e8f0c76c4424c582b335b48cd9c95518bebefbef5');
});

test('flattens nested objects and arrays as the docs show, in ASCII order', () => {
  const params = {
    name: 'demo1',
    ids: [1, 2, 3],
    deviceInfo: { id: 1 },
    deviceList: [{ id: 1 }, { id: 2 }],
  };
  assert.equal(
    sign({ ...DOC, params }, DOC.secretKey),
    signatureOf(`deviceInfo.id=1&deviceList[0].id=1&deviceList[1].id=2&ids[0]=1&ids[1]=2&ids[2]=3&name=demo1&${APPENDED}`),
  );
  const nothingMore = { ...params, gone: undefined, none: [], empty: {}, deviceInfo: { id: 1, gone: undefined } };
  assert.equal(
    sign({ ...DOC, params: nothingMore }, DOC.secretKey),
    sign({ ...DOC, params }, DOC.secretKey),
    'undefined values and empty arrays and objects add nothing',
  );
});

test('sorts by ASCII code, upper case before lower case', () => {
  assert.equal(sign({ ...DOC, params: { b: 1, B: 2, a: 3 } }, DOC.secretKey), signatureOf(`B=2&a=3&b=1&${APPENDED}`));
});
