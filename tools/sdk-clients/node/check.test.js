'use strict';
// node --test: the model walker finds what a body lacks or mistypes (so a passing SDK run means something).
const assert = require('node:assert');
const path = require('node:path');
const test = require('node:test');
const { checkResponse } = require('./check');

const modelDir = path.join(path.dirname(require.resolve('@huaweicloud/huaweicloud-sdk-ecs')), 'v2', 'model');

test('missing, mistyped, unknown and absent optional fields of ServerDetail', () => {
  const body = { server: { id: 5, name: 'web01', made_up: true, flavor: { id: 's6.large.2' } } };

  const found = checkResponse(modelDir, body, 'ShowServerResponse');

  assert.ok(found.missing.includes('$.server.status'));
  assert.ok(found.missing.includes('$.server.flavor.vcpus'), 'nested models are walked');
  assert.ok(!found.missing.includes('$.server.name'));
  assert.deepStrictEqual(found.wrong_type, ['$.server.id: number where the SDK has string']);
  assert.deepStrictEqual(found.unknown, ['$.server.made_up']);
  assert.ok(found.absent_optional.includes('$.server.description'));
});

test('a complete job answer passes', () => {
  const found = checkResponse(modelDir, { job_id: 'j-1', httpStatusCode: 200 }, 'BatchStartServersResponse');

  assert.deepStrictEqual([found.missing, found.wrong_type, found.unknown], [[], [], []]);
});
