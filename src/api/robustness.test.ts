import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from './catalog.js';
import { unknownFields } from './unknown-fields.js';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { patchMetaFor } from './patch-meta.js';
import { BosunError } from '../errors/index.js';
import type { KObject } from './types.js';

/** Shapes a client can send that do not match the schema; none may make the API layer throw a TypeError. */
const JUNK: unknown[] = [null, 0, 'x', true, [], [1, 'a', null], {}, { a: 1 }];

function mutations(): KObject[] {
  const out: KObject[] = [];
  const fields = ['spec', 'status', 'data', 'stringData', 'binaryData', 'subsets', 'ports', 'endpoints', 'subjects', 'roleRef', 'rules', 'involvedObject', 'regarding', 'type'];
  for (const j of JUNK) {
    out.push({ metadata: j as any });
    out.push({ metadata: { name: 'x', labels: j as any, annotations: j as any, finalizers: j as any, ownerReferences: j as any } });
    for (const f of fields) out.push({ metadata: { name: 'x' }, [f]: j });
    out.push({ metadata: { name: 'x' }, spec: { template: j, selector: j, containers: j, volumes: j, ports: j, strategy: j, updateStrategy: j,
      jobTemplate: j, rules: j, tls: j, defaultBackend: j, tolerations: j, initContainers: j, podSelector: j, schedule: j, hard: j } });
    out.push({ metadata: { name: 'x' }, spec: { template: { metadata: j, spec: { containers: [j, { name: j, image: j, ports: [j], env: [j], volumeMounts: [j], resources: j, livenessProbe: j }] } } } });
  }
  return out;
}

test('defaults, validation, tables and unknown-field detection survive malformed objects', () => {
  for (const r of catalog) {
    for (const m of mutations()) {
      const obj = structuredClone(m);
      try {
        r.defaults?.(obj);
        r.validate?.(obj);
        r.validate?.(obj, structuredClone(m));
        r.cells(obj);
        unknownFields(obj, r.schemaName);
      } catch (err) {
        if (err instanceof BosunError) continue;
        assert.fail(`${r.resource} ${JSON.stringify(m)}: ${(err as Error).stack}`);
      }
    }
  }
});

test('strategic merge patch survives malformed patches with only BadRequest errors', () => {
  const meta = patchMetaFor('io.k8s.api.apps.v1.Deployment');
  const orig = { spec: { template: { spec: { containers: [{ name: 'a' }] } } }, metadata: { finalizers: ['x'] } };
  for (const j of JUNK) {
    for (const patch of [{ spec: j }, { spec: { template: { spec: { containers: j } } } }, { spec: { template: { spec: { containers: [j] } } } },
      { metadata: { '$setElementOrder/finalizers': j } }, { metadata: { '$deleteFromPrimitiveList/finalizers': j } }, { spec: { $retainKeys: j } }, { $patch: j }]) {
      try {
        strategicMergePatch(orig, patch as Record<string, unknown>, meta);
      } catch (err) {
        if (err instanceof BosunError) continue;
        assert.fail(`${JSON.stringify(patch)}: ${(err as Error).stack}`);
      }
    }
  }
});
