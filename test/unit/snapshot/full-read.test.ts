import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FullRead } from '../../../src/snapshot/full-read.js';
import { QuotaBudget, REFUSED_NAMES, type KeyPolicy } from '../../../src/snapshot/quota-budget.js';

const policy: KeyPolicy = (key) => (key.startsWith('k') ? 'keep' : key.startsWith('x') ? 'drop' : 'cap');

test("a full read takes every 'keep' key, no 'drop' key, and 'cap' keys while there is room", () => {
  const read = new FullRead(policy, 2, new Map(), new QuotaBudget(10));
  const taken = ['a', 'k1', 'x1', 'b', 'c', 'k2', 'd'].filter((key) => read.take(key));
  assert.deepEqual(taken, ['a', 'k1', 'b', 'k2']);
});

test("what it leaves out is counted as the snapshot counts it: numeric values of 'cap' keys, at least 1 each", () => {
  const budget = new QuotaBudget(10);
  const read = new FullRead(policy, 0, new Map(), budget);
  read.leaveOut('a', [1, 2, 'x']);
  read.leaveOut('b', 'text');
  read.leaveOut('x1', [1, 2, 3]);
  read.refuseLeftOut(1);
  assert.equal(budget.dropped, 3, "2 values of a, 1 of b; x1 is a 'drop' key, not missing");
  assert.equal(read.delivered('a'), true);
  assert.equal(read.delivered('x1'), false);
});

test('past the names the budget remembers, what is left out is still counted, once', () => {
  const budget = new QuotaBudget(10);
  const read = new FullRead(policy, 0, new Map([['a9999', { value: 1 }]]), budget);
  for (let i = 0; i < 10_000; i++) read.leaveOut(`a${i}`, i);
  read.refuseLeftOut(1);
  assert.equal(budget.dropped, 10_000);
  assert.equal(read.delivered(`a${REFUSED_NAMES - 1}`), true);
  assert.equal(read.delivered('a9999'), true, 'a stored key left out is known as delivered, named or not');
  assert.equal(read.delivered('a5000'), false, 'past the names, not known (a stored one is)');
});

test('a key the budget refused before and the read leaves out past the names is counted once, through its name', () => {
  const budget = new QuotaBudget(10);
  budget.refuse('late', 1, 1, false);
  const read = new FullRead(policy, 0, new Map(), budget);
  for (let i = 0; i < REFUSED_NAMES + 10; i++) read.leaveOut(`a${i}`, i);
  read.leaveOut('late', 5);
  assert.equal(read.delivered('late'), true);
  budget.startFullRead((key) => read.delivered(key), 0);
  read.refuseLeftOut(2);
  assert.equal(budget.dropped, REFUSED_NAMES + 11);
});

test('begin() forgets what an earlier data object was told', () => {
  const budget = new QuotaBudget(10);
  const read = new FullRead(policy, 1, new Map(), budget);
  assert.equal(read.take('a'), true);
  assert.equal(read.take('b'), false);
  read.leaveOut('b', 1);
  read.begin();
  assert.equal(read.take('c'), true, 'the room is whole again');
  read.refuseLeftOut(1);
  assert.equal(budget.dropped, 0);
});
