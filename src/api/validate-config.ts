/** ConfigMap, Secret, Namespace and ServiceAccount validation (keys, sizes, immutability). */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { configKeyErrors, dns1123LabelErrors, dns1123SubdomainErrors } from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isObj, arr, MAX_DATA, validateMeta, validateMetaUpdate, metaOnly, immutable, type Any } from './validate-common.js';

function validateDataKeys(e: FieldErrors, o: Any, fields: string[]): number {
  let size = 0;
  const seen = new Map<string, string>();
  for (const f of fields) {
    if (o[f] === undefined || o[f] === null) continue;
    if (!isObj(o[f])) { e.invalid(f, o[f], 'must be a map of keys to values'); continue; }
    for (const [k, v] of Object.entries(o[f])) {
      e.invalidAll(`${f}[${k}]`, k, configKeyErrors(k));
      const prior = seen.get(k);
      if (prior !== undefined && prior !== f) e.invalid(`${f}[${k}]`, k, `duplicate of key present in ${prior}`);
      seen.set(k, f);
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
  }
  return size;
}

function immutableData(e: FieldErrors, o: Any, old: Any, fields: string[]): void {
  if (old.immutable !== true) return;
  if (o.immutable !== true) e.forbidden('immutable', 'field is immutable when `immutable` is set');
  for (const f of fields) {
    if (!deepEqual(o[f] ?? {}, old[f] ?? {})) e.forbidden(f, 'field is immutable when `immutable` is set');
  }
}

export function validateConfigMap(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const size = validateDataKeys(e, o, ['data', 'binaryData']);
  if (size > MAX_DATA) e.tooLong('', MAX_DATA);
  if (old) {
    validateMetaUpdate(e, o, old);
    immutableData(e, o, old, ['data', 'binaryData']);
  }
  return e.list;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function validateSecret(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const x = o as Any;
  validateDataKeys(e, x, ['data']);
  let size = 0;
  for (const [k, v] of Object.entries(isObj(x.data) ? x.data : {})) {
    if (typeof v !== 'string' || !BASE64.test(v)) { e.invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'); continue; }
    size += Buffer.byteLength(v, 'base64');
  }
  if (size > MAX_DATA) e.tooLong('data', MAX_DATA);
  const data: Any = isObj(x.data) ? x.data : {};
  const requireKey = (k: string) => { if (!(k in data)) e.required(`data[${k}]`); };
  switch (x.type) {
    case 'kubernetes.io/tls': requireKey('tls.crt'); requireKey('tls.key'); break;
    case 'kubernetes.io/dockerconfigjson': requireKey('.dockerconfigjson'); break;
    case 'kubernetes.io/dockercfg': requireKey('.dockercfg'); break;
    case 'kubernetes.io/ssh-auth': requireKey('ssh-privatekey'); break;
    case 'kubernetes.io/service-account-token':
      if (!o.metadata?.annotations?.['kubernetes.io/service-account.name']) e.required('metadata.annotations[kubernetes.io/service-account.name]');
      break;
    default:
  }
  if (old) {
    validateMetaUpdate(e, o, old);
    if ((old as Any).type !== undefined && x.type !== (old as Any).type) e.invalid('type', x.type ?? '', 'field is immutable');
    immutableData(e, x, old, ['data']);
  }
  return e.list;
}

export function validateNamespace(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123LabelErrors, false);
  arr((o.spec as Any)?.finalizers).forEach((f, i) => {
    if (typeof f === 'string' && f !== 'kubernetes' && !f.includes('/')) {
      e.invalid(`spec.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified');
    }
  });
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

export function validateServiceAccount(o: KObject, old?: KObject): FieldCause[] {
  return metaOnly(dns1123SubdomainErrors, true)(o, old);
}
