/** Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isObj, arr, isInt, validateLabels, validateMeta, validateMetaUpdate, validateSelector, selectorMatches, nonNegative, intOrPercent, immutable, type Any } from './validate-common.js';
import { validatePodSpec } from './validate-pod.js';

function validateSelectorAndTemplate(e: FieldErrors, spec: Any, kindName: string, restartPolicies: string[], selectorRequired = true): void {
  const sel = spec.selector;
  if (sel === undefined || sel === null) {
    if (selectorRequired) e.required('spec.selector');
  } else if (validateSelector(e, sel, 'spec.selector')) {
    const empty = Object.keys(isObj(sel.matchLabels) ? sel.matchLabels : {}).length === 0 && arr(sel.matchExpressions).length === 0;
    if (empty) e.invalid('spec.selector', sel, `empty selector is invalid for ${kindName.toLowerCase()}`);
    const labels = isObj(spec.template?.metadata?.labels) ? spec.template.metadata.labels : {};
    if (!empty && !selectorMatches(sel, labels)) e.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`');
  }
  if (!isObj(spec.template)) { e.required('spec.template'); return; }
  validateLabels(e, spec.template.metadata?.labels, 'spec.template.metadata.labels');
  validatePodSpec(e, spec.template.spec, 'spec.template.spec', { restartPolicies, template: kindName });
}

export function validateDeployment(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  nonNegative(e, spec.replicas, 'spec.replicas');
  validateSelectorAndTemplate(e, spec, 'Deployment', ['Always']);
  const st = spec.strategy;
  if (isObj(st)) {
    if (!['Recreate', 'RollingUpdate'].includes(st.type)) e.notSupported('spec.strategy.type', st.type ?? '', ['Recreate', 'RollingUpdate']);
    if (st.type === 'Recreate' && st.rollingUpdate) e.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'");
    if (st.type === 'RollingUpdate' && isObj(st.rollingUpdate)) {
      const mu = intOrPercent(e, st.rollingUpdate.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable');
      const ms = intOrPercent(e, st.rollingUpdate.maxSurge, 'spec.strategy.rollingUpdate.maxSurge');
      if (mu === 0 && ms === 0) e.invalid('spec.strategy.rollingUpdate.maxUnavailable', st.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
  nonNegative(e, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
  nonNegative(e, spec.minReadySeconds, 'spec.minReadySeconds');
  if (spec.progressDeadlineSeconds !== undefined) {
    nonNegative(e, spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
    if (isInt(spec.progressDeadlineSeconds) && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      e.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds');
    }
  }
  if (old) {
    validateMetaUpdate(e, o, old);
    immutable(e, o, old, 'spec.selector');
  }
  return e.list;
}

export function validateReplicaSet(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  nonNegative(e, spec.replicas, 'spec.replicas');
  nonNegative(e, spec.minReadySeconds, 'spec.minReadySeconds');
  validateSelectorAndTemplate(e, spec, 'ReplicaSet', ['Always']);
  if (old) {
    validateMetaUpdate(e, o, old);
    immutable(e, o, old, 'spec.selector');
  }
  return e.list;
}

export function validateStatefulSet(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  nonNegative(e, spec.replicas, 'spec.replicas');
  if (spec.podManagementPolicy !== undefined && !['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy)) {
    e.notSupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']);
  }
  const us = spec.updateStrategy;
  if (isObj(us) && !['OnDelete', 'RollingUpdate'].includes(us.type)) e.notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']);
  if (isObj(us) && us.type === 'OnDelete' && us.rollingUpdate) e.invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, 'only allowed for updateStrategy \'RollingUpdate\'');
  if (spec.serviceName) e.invalidAll('spec.serviceName', spec.serviceName, dns1035LabelErrors(String(spec.serviceName)));
  validateSelectorAndTemplate(e, spec, 'StatefulSet', ['Always']);
  if (old) {
    validateMetaUpdate(e, o, old);
    const rest = (s: Any) => {
      const c = structuredClone(isObj(s) ? s : {}) as Any;
      for (const f of ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit']) delete c[f];
      return c;
    };
    if (!deepEqual(rest(o.spec as Any), rest(old.spec as Any))) {
      e.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }
  }
  return e.list;
}

export function validateDaemonSet(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  validateSelectorAndTemplate(e, spec, 'DaemonSet', ['Always']);
  const us = spec.updateStrategy;
  if (isObj(us)) {
    if (!['OnDelete', 'RollingUpdate'].includes(us.type)) e.notSupported('spec.updateStrategy.type', us.type ?? '', ['OnDelete', 'RollingUpdate']);
    if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate)) {
      const mu = intOrPercent(e, us.rollingUpdate.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable');
      const ms = intOrPercent(e, us.rollingUpdate.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge');
      if (mu === 0 && ms === 0) e.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', us.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
  if (old) {
    validateMetaUpdate(e, o, old);
    immutable(e, o, old, 'spec.selector');
  }
  return e.list;
}

function validateJobSpec(e: FieldErrors, spec: Any, prefix: string, generatedSelector: boolean): void {
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) nonNegative(e, spec[f], `${prefix}.${f}`);
  if (spec.activeDeadlineSeconds !== undefined && (!isInt(spec.activeDeadlineSeconds) || spec.activeDeadlineSeconds <= 0)) {
    e.invalid(`${prefix}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be greater than 0');
  }
  if (spec.completionMode !== undefined && !['NonIndexed', 'Indexed'].includes(spec.completionMode)) {
    e.notSupported(`${prefix}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']);
  }
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) e.required(`${prefix}.completions`, 'when completion mode is Indexed');
  if (!isObj(spec.template)) { e.required(`${prefix}.template`); return; }
  if (spec.selector !== undefined && spec.selector !== null && !generatedSelector) validateSelector(e, spec.selector, `${prefix}.selector`);
  validateLabels(e, spec.template.metadata?.labels, `${prefix}.template.metadata.labels`);
  const tspec = spec.template.spec;
  validatePodSpec(e, tspec, `${prefix}.template.spec`, { restartPolicies: ['Always', 'OnFailure', 'Never'] });
  // Pod templates default to "Always", which a Job cannot use: it must pick a terminating policy.
  if (isObj(tspec) && tspec.restartPolicy !== 'OnFailure' && tspec.restartPolicy !== 'Never') {
    e.notSupported(`${prefix}.template.spec.restartPolicy`, tspec.restartPolicy ?? '', ['OnFailure', 'Never']);
  }
  if (isObj(spec.selector) && isObj(spec.template.metadata?.labels) && !selectorMatches(spec.selector, spec.template.metadata.labels)) {
    e.invalid(`${prefix}.template.metadata.labels`, spec.template.metadata.labels, '`selector` does not match template `labels`');
  }
}

export function validateJob(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  validateJobSpec(e, spec, 'spec', spec.manualSelector !== true);
  if (spec.manualSelector === true && !spec.selector) e.required('spec.selector');
  if (old) {
    validateMetaUpdate(e, o, old);
    immutable(e, o, old, 'spec.selector');
    if ((spec.completionMode ?? 'NonIndexed') === 'NonIndexed') immutable(e, o, old, 'spec.completions');
    immutable(e, o, old, 'spec.completionMode');
    // The template may change only while the job is suspended (to update scheduling directives).
    if ((old.spec as Any)?.suspend !== true) immutable(e, o, old, 'spec.template');
  }
  return e.list;
}

/** Standard 5-field cron, predefined macros, or @every <duration> (robfig/cron's parser as the server uses it). */
export function cronErrors(schedule: string): string[] {
  const s = schedule.trim();
  if (s === '') return ['empty spec string'];
  if (/^(TZ|CRON_TZ)=/.test(s)) return ['cannot use TZ or CRON_TZ in schedule, use timeZone field instead'];
  if (s.startsWith('@')) {
    if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(s)) return [];
    if (/^@every \d+(\.\d+)?(ns|us|µs|ms|s|m|h)((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))*$/.test(s)) return [];
    return [`unrecognized descriptor: ${s}`];
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return [`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`];
  const ranges: Array<[number, number, Record<string, number>?]> = [
    [0, 59], [0, 23], [1, 31],
    [1, 12, { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }],
    [0, 6, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
  ];
  const errs: string[] = [];
  fields.forEach((f, i) => {
    const [min, max, names] = ranges[i]!;
    for (const part of f.split(',')) {
      const [rangePart, step] = part.split('/') as [string, string | undefined];
      if (step !== undefined && !/^\d+$/.test(step)) { errs.push(`failed to parse int from ${step}`); continue; }
      if (rangePart === '*' || rangePart === '?') continue;
      for (const bound of rangePart.split('-')) {
        const n = /^\d+$/.test(bound) ? Number(bound) : names?.[bound.toLowerCase()];
        if (n === undefined) errs.push(`failed to parse int from ${bound}`);
        else if (n < min || n > max) errs.push(`end of range (${n}) above maximum (${max}): ${part}`);
      }
    }
  });
  return errs;
}

/** IANA zone names as Go's time.LoadLocation accepts them (Local is refused by the server). */
function validTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'Local' || tz.includes(' ')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function validateCronJob(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const name = o.metadata?.name;
  // Job names get an 11-character suffix and must stay valid DNS labels.
  if (typeof name === 'string' && name.length > 52) e.invalid('metadata.name', name, 'must be no more than 52 characters');
  const spec: Any = isObj(o.spec) ? o.spec : {};
  if (!spec.schedule) e.required('spec.schedule');
  else for (const m of cronErrors(String(spec.schedule))) e.invalid('spec.schedule', spec.schedule, m);
  if (spec.concurrencyPolicy !== undefined && !['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) {
    e.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']);
  }
  nonNegative(e, spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit');
  nonNegative(e, spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit');
  nonNegative(e, spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds');
  if (spec.timeZone !== undefined && spec.timeZone !== null && !validTimeZone(String(spec.timeZone))) {
    e.invalid('spec.timeZone', spec.timeZone, `unknown time zone ${spec.timeZone}`);
  }
  if (!isObj(spec.jobTemplate)) e.required('spec.jobTemplate');
  else {
    validateLabels(e, spec.jobTemplate.metadata?.labels, 'spec.jobTemplate.metadata.labels');
    validateJobSpec(e, isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {}, 'spec.jobTemplate.spec', true);
  }
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}
