/** PersistentVolume, PersistentVolumeClaim, ResourceQuota and LimitRange validation. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { dns1123SubdomainErrors } from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isQuantity, parseQuantity } from './quantity.js';
import { isObj, arr, validateMeta, validateMetaUpdate, validateSelector, immutable, type Any } from './validate-common.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(e: FieldErrors, modes: unknown, path: string): void {
  const list = arr(modes);
  if (list.length === 0) { e.required(path, 'at least 1 access mode is required'); return; }
  for (const m of list) if (!ACCESS_MODES.includes(m)) e.notSupported(path, m, ACCESS_MODES);
  if (list.includes('ReadWriteOncePod') && list.length > 1) e.forbidden(path, 'may not use ReadWriteOncePod with other access modes');
}

function validateQuantityMap(e: FieldErrors, m: unknown, path: string): void {
  if (!isObj(m)) return;
  for (const [k, v] of Object.entries(m)) {
    if (!isQuantity(v)) e.invalid(`${path}[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    else if (parseQuantity(v) < 0) e.invalid(`${path}[${k}]`, v, 'must be greater than or equal to 0');
  }
}

export function validatePVC(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  validateAccessModes(e, spec.accessModes, 'spec.accessModes');
  const requests = isObj(spec.resources?.requests) ? spec.resources.requests : {};
  if (requests.storage === undefined) e.required('spec.resources[storage]');
  else if (!isQuantity(requests.storage) || parseQuantity(requests.storage) <= 0) e.invalid('spec.resources[storage]', requests.storage, 'must be greater than zero');
  if (spec.volumeMode !== undefined && !['Block', 'Filesystem'].includes(spec.volumeMode)) e.notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']);
  if (spec.selector) validateSelector(e, spec.selector, 'spec.selector');
  if (old) {
    validateMetaUpdate(e, o, old);
    // Only the requested size may change after creation (expansion); the rest of the claim is fixed.
    const fixed = (x: Any) => { const c = structuredClone(isObj(x) ? x : {}) as Any; delete c.resources; delete c.volumeAttributesClassName; return c; };
    const oldSpec: Any = isObj(old.spec) ? old.spec : {};
    const bound = !!oldSpec.volumeName;
    const cur = fixed(spec);
    const prev = fixed(oldSpec);
    // Binding fills volumeName once.
    if (!bound) { delete cur.volumeName; delete prev.volumeName; }
    if (!deepEqual(cur, prev)) e.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
  }
  return e.list;
}

const PV_SOURCES = ['hostPath', 'local', 'nfs', 'csi', 'iscsi', 'fc', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'];

export function validatePV(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, false);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  validateAccessModes(e, spec.accessModes, 'spec.accessModes');
  if (!isObj(spec.capacity) || spec.capacity.storage === undefined) e.required('spec.capacity');
  else validateQuantityMap(e, spec.capacity, 'spec.capacity');
  const srcs = PV_SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (srcs.length === 0) e.required('spec', 'must specify a volume type');
  else if (srcs.length > 1) e.forbidden(`spec.${srcs[1]}`, 'may not specify more than 1 volume type');
  const policies = ['Delete', 'Recycle', 'Retain'];
  if (spec.persistentVolumeReclaimPolicy !== undefined && !policies.includes(spec.persistentVolumeReclaimPolicy)) {
    e.notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, policies);
  }
  if (isObj(spec.hostPath) && !spec.hostPath.path) e.required('spec.hostPath.path');
  if (isObj(spec.local) && !spec.local.path) e.required('spec.local.path');
  if (isObj(spec.local) && !spec.nodeAffinity) e.required('spec.nodeAffinity', 'Local volume requires node affinity');
  if (old) {
    validateMetaUpdate(e, o, old);
    for (const k of PV_SOURCES) if (old.spec && !deepEqual(spec[k], (old.spec as Any)[k])) e.invalid(`spec.${k}`, spec[k] ?? null, 'field is immutable');
  }
  return e.list;
}

export function validateResourceQuota(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  validateQuantityMap(e, (o.spec as Any)?.hard, 'spec.hard');
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

export function validateLimitRange(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const types = ['Container', 'Pod', 'PersistentVolumeClaim'];
  arr((o.spec as Any)?.limits).forEach((l, i) => {
    const p = `spec.limits[${i}]`;
    if (!isObj(l)) { e.invalid(p, l, 'must be an object'); return; }
    if (!l.type) e.required(`${p}.type`);
    else if (!types.includes(l.type) && !String(l.type).includes('/')) e.notSupported(`${p}.type`, l.type, types);
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) validateQuantityMap(e, l[k], `${p}.${k}`);
  });
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}
