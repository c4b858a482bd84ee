import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasSmallFleetOption, isLargeFleet, SMALL_FLEET_OPTION, withoutSmallFleetOption } from '../../src/node-options.js';

test('the small-fleet option is found on the command line or in NODE_OPTIONS, and removed from both alone', () => {
  assert.equal(hasSmallFleetOption([SMALL_FLEET_OPTION], undefined), true);
  assert.equal(hasSmallFleetOption([], `--enable-source-maps ${SMALL_FLEET_OPTION}`), true);
  assert.equal(hasSmallFleetOption(['--max-semi-space-size=16'], '--max-old-space-size=512'), false);
  assert.deepEqual(withoutSmallFleetOption(['--enable-source-maps', SMALL_FLEET_OPTION], `${SMALL_FLEET_OPTION}  --max-old-space-size=512`), {
    execArgv: ['--enable-source-maps'],
    nodeOptions: '--max-old-space-size=512',
  });
});

test('a fleet is large from the threshold on; 0 never', () => {
  assert.equal(isLargeFleet(199, 200), false);
  assert.equal(isLargeFleet(200, 200), true);
  assert.equal(isLargeFleet(10_000, 0), false);
});
