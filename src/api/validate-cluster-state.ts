/** Objects the cluster writes about itself: Nodes, Events (core and events.k8s.io) and Leases. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors } from './name-rules.js';
import { isObj, arr, isInt, validateMeta, validateMetaUpdate, nonNegative, type Any } from './validate-common.js';

export function validateNode(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, false);
  const effects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
  const seen = new Set<string>();
  arr((o.spec as Any)?.taints).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    if (!isObj(t)) { e.invalid(p, t, 'must be an object'); return; }
    if (!t.key) e.required(`${p}.key`);
    else e.invalidAll(`${p}.key`, t.key, qualifiedNameErrors(String(t.key)));
    if (t.value) e.invalidAll(`${p}.value`, t.value, labelValueErrors(String(t.value)));
    if (!effects.includes(t.effect)) e.notSupported(`${p}.effect`, t.effect ?? '', effects);
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) e.duplicate(p, { key: t.key, effect: t.effect });
    seen.add(k);
  });
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

export function validateCoreEvent(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const x = o as Any;
  const ns = o.metadata?.namespace;
  const inv = isObj(x.involvedObject) ? x.involvedObject : undefined;
  if (inv && inv.namespace && ns && inv.namespace !== ns) e.invalid('involvedObject.namespace', inv.namespace, 'does not match event.namespace');
  if (x.type && !['Normal', 'Warning'].includes(x.type)) e.notSupported('type', x.type, ['Normal', 'Warning']);
  if (typeof x.message === 'string' && x.message.length > 4096 && !x.eventTime) e.tooLong('message', 4096);
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

export function validateEventsV1(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const x = o as Any;
  if (!x.eventTime) e.required('eventTime');
  if (!x.reportingController) e.required('reportingController');
  if (!x.reportingInstance) e.required('reportingInstance');
  if (!x.action) e.required('action');
  if (!x.reason) e.required('reason');
  if (x.type && !['Normal', 'Warning'].includes(x.type)) e.notSupported('type', x.type, ['Normal', 'Warning']);
  if (isObj(x.regarding) && x.regarding.namespace && x.regarding.namespace !== o.metadata?.namespace) {
    e.invalid('regarding.namespace', x.regarding.namespace, 'does not match event.namespace');
  }
  if (typeof x.note === 'string' && Buffer.byteLength(x.note) > 1024) e.tooLong('note', 1024);
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

export function validateLease(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  if (spec.leaseDurationSeconds !== undefined && (!isInt(spec.leaseDurationSeconds) || spec.leaseDurationSeconds <= 0)) {
    e.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0');
  }
  nonNegative(e, spec.leaseTransitions, 'spec.leaseTransitions');
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}
