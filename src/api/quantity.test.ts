import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isQuantity, parseQuantity } from './quantity.js';
import { isKind } from '../errors/index.js';

test('quantities parse to base units', () => {
  assert.equal(parseQuantity('500m'), 0.5);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('1Ki'), 1024);
  assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
  assert.equal(parseQuantity('128M'), 128e6);
  assert.equal(parseQuantity('2e3'), 2000);
  assert.equal(parseQuantity(3), 3);
  assert.equal(isQuantity('12 MB'), false);
  assert.equal(isQuantity('1Gb'), false);
  assert.throws(() => parseQuantity('lots'), (e) => isKind(e, 'BadRequest'));
});
