/**
 * Validation as the Kubernetes API server does it (pkg/apis/<group>/validation): every field error
 * with its path and the real server's message, never just the first. Runs after defaulting.
 */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import {
  configKeyErrors, dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, envVarNameErrors, labelValueErrors,
  portNameErrors, portNumberErrors, qualifiedNameErrors,
} from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isQuantity, parseQuantity } from './quantity.js';

type Any = Record<string, any>;
type NameRule = (name: string) => string[];

const isObj = (v: unknown): v is Any => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Path segment names (RBAC objects): anything but ".", ".." and names containing "/" or "%". */
const pathSegmentName: NameRule = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const bad = ['/', '%'].filter((c) => name.includes(c));
  return bad.map((c) => `may not contain '${c}'`);
};

const MAX_ANNOTATIONS = 256 * 1024;
const MAX_DATA = 1024 * 1024;

// -----------------------------------------------------------------------------------------------
// metadata

function validateLabels(e: FieldErrors, labels: unknown, path: string): void {
  if (labels === undefined || labels === null) return;
  if (!isObj(labels)) { e.invalid(path, labels, 'must be a map of string keys and values'); return; }
  for (const [k, v] of Object.entries(labels)) {
    e.invalidAll(path, k, qualifiedNameErrors(k));
    if (typeof v !== 'string') e.invalid(path, v, 'label values must be strings');
    else e.invalidAll(path, v, labelValueErrors(v));
  }
}

function validateMeta(e: FieldErrors, o: KObject, nameRule: NameRule, namespaced: boolean): void {
  const m = o.metadata;
  if (!isObj(m)) { e.required('metadata', ''); return; }
  if (typeof m.generateName === 'string' && m.generateName !== '') {
    // The prefix is checked as a name with its trailing dash masked (ValidateObjectMeta's maskTrailingDash).
    const masked = m.generateName.length > 1 && m.generateName.endsWith('-') ? `${m.generateName.slice(0, -1)}a` : m.generateName;
    e.invalidAll('metadata.generateName', m.generateName, nameRule(masked));
  }
  if (!m.name) {
    if (!m.generateName) e.required('metadata.name', 'name or generateName is required');
  } else if (typeof m.name !== 'string') {
    e.invalid('metadata.name', m.name, 'must be a string');
  } else {
    e.invalidAll('metadata.name', m.name, nameRule(m.name));
  }
  if (namespaced) {
    if (typeof m.namespace === 'string' && m.namespace !== '') e.invalidAll('metadata.namespace', m.namespace, dns1123LabelErrors(m.namespace));
  } else if (m.namespace) {
    e.forbidden('metadata.namespace', 'not allowed on this type');
  }
  validateLabels(e, m.labels, 'metadata.labels');
  if (isObj(m.annotations)) {
    let size = 0;
    for (const [k, v] of Object.entries(m.annotations)) {
      e.invalidAll('metadata.annotations', k, qualifiedNameErrors(k.toLowerCase()));
      size += k.length + (typeof v === 'string' ? v.length : 0);
    }
    if (size > MAX_ANNOTATIONS) e.tooLong('metadata.annotations', MAX_ANNOTATIONS);
  }
  arr(m.finalizers).forEach((f, i) => {
    if (typeof f !== 'string') { e.invalid(`metadata.finalizers[${i}]`, f, 'must be a string'); return; }
    e.invalidAll(`metadata.finalizers[${i}]`, f, qualifiedNameErrors(f));
  });
  arr(m.ownerReferences).forEach((r, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!isObj(r)) { e.invalid(p, r, 'must be an object'); return; }
    if (!r.apiVersion) e.invalid(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty');
    if (!r.kind) e.invalid(`${p}.kind`, r.kind ?? '', 'must not be empty');
    if (!r.name) e.invalid(`${p}.name`, r.name ?? '', 'must not be empty');
    if (!r.uid) e.invalid(`${p}.uid`, r.uid ?? '', 'must not be empty');
  });
  if (m.generation !== undefined && isInt(m.generation) && m.generation < 0) e.invalid('metadata.generation', m.generation, 'must be greater than or equal to 0');
}

function validateMetaUpdate(e: FieldErrors, o: KObject, old: KObject): void {
  const m = o.metadata ?? {};
  const om = old.metadata ?? {};
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    if (m[f] !== undefined && om[f] !== undefined && m[f] !== om[f]) e.invalid(`metadata.${f}`, m[f], 'field is immutable');
  }
}

// -----------------------------------------------------------------------------------------------
// pods

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validatePorts(e: FieldErrors, ports: unknown, path: string, names: Set<string>): void {
  arr(ports).forEach((p, i) => {
    const pp = `${path}[${i}]`;
    if (!isObj(p)) { e.invalid(pp, p, 'must be an object'); return; }
    if (p.name !== undefined && p.name !== '') {
      e.invalidAll(`${pp}.name`, p.name, portNameErrors(String(p.name)));
      if (names.has(p.name)) e.duplicate(`${pp}.name`, p.name);
      names.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) e.required(`${pp}.containerPort`);
    else e.invalidAll(`${pp}.containerPort`, p.containerPort, portNumberErrors(p.containerPort));
    if (p.hostPort !== undefined && p.hostPort !== 0) e.invalidAll(`${pp}.hostPort`, p.hostPort, portNumberErrors(p.hostPort));
    if (p.protocol === undefined || p.protocol === '') e.required(`${pp}.protocol`);
    else if (!PROTOCOLS.includes(p.protocol)) e.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS);
  });
}

function validateProbe(e: FieldErrors, p: unknown, path: string): void {
  if (p === undefined || p === null) return;
  if (!isObj(p)) { e.invalid(path, p, 'must be an object'); return; }
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p[h] !== undefined && p[h] !== null);
  if (handlers.length === 0) e.required(path, 'must specify a handler type');
  else if (handlers.length > 1) e.forbidden(`${path}.${handlers[1]}`, 'may not specify more than 1 handler type');
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (isInt(p[f]) && p[f] < 0) e.invalid(`${path}.${f}`, p[f], 'must be greater than or equal to 0');
  }
  if (p.httpGet) {
    validatePortRef(e, p.httpGet.port, `${path}.httpGet.port`);
    if (p.httpGet.scheme && !['HTTP', 'HTTPS'].includes(p.httpGet.scheme)) e.notSupported(`${path}.httpGet.scheme`, p.httpGet.scheme, ['HTTP', 'HTTPS']);
  }
  if (p.tcpSocket) validatePortRef(e, p.tcpSocket.port, `${path}.tcpSocket.port`);
  if (p.exec && arr(p.exec.command).length === 0) e.required(`${path}.exec.command`);
}

/** An IntOrString naming a container port: 1..65535 or an IANA service name. */
function validatePortRef(e: FieldErrors, port: unknown, path: string): void {
  if (port === undefined || port === null || port === '' || port === 0) { e.required(path); return; }
  if (typeof port === 'number') e.invalidAll(path, port, portNumberErrors(port));
  else if (typeof port === 'string') e.invalidAll(path, port, portNameErrors(port));
  else e.invalid(path, port, 'must be an integer or a string');
}

function validateContainer(e: FieldErrors, c: unknown, path: string, volumes: Set<string>, portNames: Set<string>): void {
  if (!isObj(c)) { e.invalid(path, c, 'must be an object'); return; }
  if (!c.name) e.required(`${path}.name`);
  else e.invalidAll(`${path}.name`, c.name, dns1123LabelErrors(String(c.name)));
  if (c.image === undefined || c.image === null || (typeof c.image === 'string' && c.image.trim() === '')) e.required(`${path}.image`);
  else if (typeof c.image !== 'string') e.invalid(`${path}.image`, c.image, 'must be a string');
  if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
    e.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']);
  }
  if (c.terminationMessagePolicy !== undefined && !['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) {
    e.notSupported(`${path}.terminationMessagePolicy`, c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']);
  }
  validatePorts(e, c.ports, `${path}.ports`, portNames);
  arr(c.env).forEach((ev, i) => {
    const p = `${path}.env[${i}]`;
    if (!isObj(ev)) { e.invalid(p, ev, 'must be an object'); return; }
    if (!ev.name) e.required(`${p}.name`);
    else e.invalidAll(`${p}.name`, ev.name, envVarNameErrors(String(ev.name)));
    if (ev.valueFrom !== undefined && ev.valueFrom !== null) {
      if (ev.value) e.invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty');
      const srcs = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => ev.valueFrom[s]);
      if (srcs.length === 0) e.invalid(`${p}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
      else if (srcs.length > 1) e.invalid(`${p}.valueFrom`, '', 'may not have more than one field specified at a time');
      for (const s of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = ev.valueFrom[s];
        if (isObj(ref)) {
          if (!ref.key) e.required(`${p}.valueFrom.${s}.key`);
          else e.invalidAll(`${p}.valueFrom.${s}.key`, ref.key, configKeyErrors(String(ref.key)));
          if (!ref.name) e.required(`${p}.valueFrom.${s}.name`);
        }
      }
      if (isObj(ev.valueFrom.fieldRef) && !ev.valueFrom.fieldRef.fieldPath) e.required(`${p}.valueFrom.fieldRef.fieldPath`);
    }
  });
  const mountPaths = new Set<string>();
  arr(c.volumeMounts).forEach((m, i) => {
    const p = `${path}.volumeMounts[${i}]`;
    if (!isObj(m)) { e.invalid(p, m, 'must be an object'); return; }
    if (!m.name) e.required(`${p}.name`);
    else if (!volumes.has(m.name)) e.notFound(`${p}.name`, m.name);
    if (!m.mountPath) e.required(`${p}.mountPath`);
    else {
      if (mountPaths.has(m.mountPath)) e.invalid(`${p}.mountPath`, m.mountPath, 'must be unique');
      mountPaths.add(m.mountPath);
    }
    if (typeof m.subPath === 'string' && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      e.invalid(`${p}.subPath`, m.subPath, m.subPath.startsWith('/') ? 'must be a relative path' : "must not contain '..'");
    }
  });
  validateProbe(e, c.livenessProbe, `${path}.livenessProbe`);
  validateProbe(e, c.readinessProbe, `${path}.readinessProbe`);
  validateProbe(e, c.startupProbe, `${path}.startupProbe`);
  if (isObj(c.livenessProbe) && isInt(c.livenessProbe.successThreshold) && c.livenessProbe.successThreshold !== 1) {
    e.invalid(`${path}.livenessProbe.successThreshold`, c.livenessProbe.successThreshold, 'must be 1');
  }
  if (isObj(c.resources)) {
    const limits: Any = isObj(c.resources.limits) ? c.resources.limits : {};
    const requests: Any = isObj(c.resources.requests) ? c.resources.requests : {};
    for (const [kind, list] of [['limits', limits], ['requests', requests]] as const) {
      for (const [k, v] of Object.entries(list)) {
        if (!isQuantity(v)) e.invalid(`${path}.resources.${kind}[${k}]`, v, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        else if (parseQuantity(v) < 0) e.invalid(`${path}.resources.${kind}[${k}]`, v, 'must be greater than or equal to 0');
      }
    }
    for (const [k, v] of Object.entries(requests)) {
      if (limits[k] !== undefined && isQuantity(v) && isQuantity(limits[k]) && parseQuantity(v) > parseQuantity(limits[k])) {
        e.invalid(`${path}.resources.requests`, v, `must be less than or equal to ${k} limit of ${limits[k]}`);
      }
    }
  }
}


/** In the order validateVolumeSource checks them: the second one present is the one reported. */
const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'quobyte', 'cephfs', 'cinder', 'downwardAPI', 'fc', 'flexVolume',
  'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'projected', 'portworxVolume', 'azureDisk', 'storageos',
  'scaleIO', 'csi', 'ephemeral', 'image'];

function validateVolumes(e: FieldErrors, volumes: unknown, path: string): Set<string> {
  const names = new Set<string>();
  arr(volumes).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(v)) { e.invalid(p, v, 'must be an object'); return; }
    if (!v.name) e.required(`${p}.name`);
    else {
      e.invalidAll(`${p}.name`, v.name, dns1123LabelErrors(String(v.name)));
      if (names.has(v.name)) e.duplicate(`${p}.name`, v.name);
      names.add(v.name);
    }
    const srcs = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (srcs.length === 0) e.required(p, 'must specify a volume type');
    else if (srcs.length > 1) e.forbidden(`${p}.${srcs[1]}`, 'may not specify more than 1 volume type');
    if (isObj(v.hostPath)) {
      if (!v.hostPath.path) e.required(`${p}.hostPath.path`);
      const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
      if (v.hostPath.type !== undefined && !types.includes(v.hostPath.type)) e.notSupported(`${p}.hostPath.type`, v.hostPath.type, types.slice(1));
    }
    if (isObj(v.secret) && !v.secret.secretName) e.required(`${p}.secret.secretName`);
    if (isObj(v.configMap) && !v.configMap.name) e.required(`${p}.configMap.name`);
    if (isObj(v.persistentVolumeClaim) && !v.persistentVolumeClaim.claimName) e.required(`${p}.persistentVolumeClaim.claimName`);
    for (const s of ['secret', 'configMap']) {
      if (isObj(v[s]) && isInt(v[s].defaultMode) && (v[s].defaultMode < 0 || v[s].defaultMode > 0o777)) {
        e.invalid(`${p}.${s}.defaultMode`, v[s].defaultMode, 'must be a number between 0 and 0777 (octal), both inclusive');
      }
    }
  });
  return names;
}

interface PodSpecContext {
  /** Restart policies allowed where the spec lives (templates of controllers restrict it). */
  restartPolicies: string[];
  template?: string;
}

function validatePodSpec(e: FieldErrors, spec: unknown, path: string, ctx: PodSpecContext): void {
  if (!isObj(spec)) { e.required(path); return; }
  const volumes = validateVolumes(e, spec.volumes, `${path}.volumes`);
  const containers = arr(spec.containers);
  if (containers.length === 0) e.required(`${path}.containers`);
  const names = new Set<string>();
  const portNames = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    arr(spec[list]).forEach((c, i) => {
      validateContainer(e, c, `${path}.${list}[${i}]`, volumes, portNames);
      if (isObj(c) && c.name) {
        if (names.has(c.name)) e.duplicate(`${path}.${list}[${i}].name`, c.name);
        names.add(c.name);
      }
    });
  }
  if (spec.restartPolicy !== undefined && !ctx.restartPolicies.includes(spec.restartPolicy)) {
    e.notSupported(`${path}.restartPolicy`, spec.restartPolicy, ctx.restartPolicies);
  }
  const dns = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (spec.dnsPolicy !== undefined && !dns.includes(spec.dnsPolicy)) e.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, dns);
  if (spec.dnsPolicy === 'None' && !isObj(spec.dnsConfig)) e.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None');
  if (isInt(spec.terminationGracePeriodSeconds) && spec.terminationGracePeriodSeconds < 0) {
    e.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0');
  }
  if (spec.activeDeadlineSeconds !== undefined) {
    if (ctx.template) e.forbidden(`${path}.activeDeadlineSeconds`, `activeDeadlineSeconds in ${ctx.template} is not Supported`);
    else if (!isInt(spec.activeDeadlineSeconds) || spec.activeDeadlineSeconds < 1) {
      e.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive');
    }
  }
  validateLabels(e, spec.nodeSelector, `${path}.nodeSelector`);
  if (spec.serviceAccountName) e.invalidAll(`${path}.serviceAccountName`, spec.serviceAccountName, dns1123SubdomainErrors(String(spec.serviceAccountName)));
  if (spec.nodeName) e.invalidAll(`${path}.nodeName`, spec.nodeName, dns1123SubdomainErrors(String(spec.nodeName)));
  if (spec.hostname) e.invalidAll(`${path}.hostname`, spec.hostname, dns1123LabelErrors(String(spec.hostname)));
  if (spec.subdomain) e.invalidAll(`${path}.subdomain`, spec.subdomain, dns1123LabelErrors(String(spec.subdomain)));
  arr(spec.tolerations).forEach((t, i) => {
    const p = `${path}.tolerations[${i}]`;
    if (!isObj(t)) return;
    if (t.operator !== undefined && !['Equal', 'Exists'].includes(t.operator)) e.notSupported(`${p}.operator`, t.operator, ['Equal', 'Exists']);
    if (t.operator === 'Exists' && t.value) e.invalid(`${p}.operator`, t.operator, 'value must be empty when `operator` is \'Exists\'');
    if (!t.key && t.operator !== 'Exists') e.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
    const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
    if (t.effect && !effects.includes(t.effect)) e.notSupported(`${p}.effect`, t.effect, effects);
  });
  arr(spec.imagePullSecrets).forEach((s, i) => { if (isObj(s) && !s.name) e.required(`${path}.imagePullSecrets[${i}].name`); });
}

/** Pod updates may only change images, activeDeadlineSeconds, tolerations (additions) and a negative grace period. */
function validatePodSpecUpdate(e: FieldErrors, spec: Any, old: Any): void {
  const strip = (s: Any) => {
    const c = structuredClone(s) as Any;
    for (const list of ['containers', 'initContainers']) for (const x of arr(c[list])) if (isObj(x)) delete x.image;
    delete c.activeDeadlineSeconds;
    delete c.tolerations;
    if (isInt(s.terminationGracePeriodSeconds)) delete c.terminationGracePeriodSeconds;
    delete c.ephemeralContainers;
    return c;
  };
  if (!deepEqual(strip(spec), strip(old))) {
    e.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)');
  }
  const oldTol = arr(old.tolerations);
  const newTol = arr(spec.tolerations);
  if (!oldTol.every((t) => newTol.some((n) => deepEqual(n, t)))) {
    e.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds');
  }
  if (isInt(old.activeDeadlineSeconds) && (!isInt(spec.activeDeadlineSeconds) || spec.activeDeadlineSeconds > old.activeDeadlineSeconds)) {
    e.invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds ?? null, 'must be less than or equal to previous value');
  }
}

function validatePod(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  validatePodSpec(e, o.spec, 'spec', { restartPolicies: ['Always', 'OnFailure', 'Never'] });
  if (old) {
    validateMetaUpdate(e, o, old);
    if (isObj(o.spec) && isObj(old.spec)) validatePodSpecUpdate(e, o.spec, old.spec);
  }
  return e.list;
}

// -----------------------------------------------------------------------------------------------
// workloads

function validateSelector(e: FieldErrors, sel: unknown, path: string): boolean {
  if (!isObj(sel)) return false;
  validateLabels(e, sel.matchLabels, `${path}.matchLabels`);
  arr(sel.matchExpressions).forEach((x, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isObj(x)) return;
    e.invalidAll(`${p}.key`, x.key ?? '', qualifiedNameErrors(String(x.key ?? '')));
    const values = arr(x.values);
    switch (x.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) e.required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\'');
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) e.forbidden(`${p}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
        break;
      default:
        e.invalid(`${p}.operator`, x.operator ?? '', 'not a valid selector operator');
    }
  });
  return true;
}

function selectorMatches(sel: Any, labels: Any): boolean {
  for (const [k, v] of Object.entries(isObj(sel.matchLabels) ? sel.matchLabels : {})) if (labels[k] !== v) return false;
  for (const x of arr(sel.matchExpressions)) {
    if (!isObj(x)) continue;
    const has = Object.prototype.hasOwnProperty.call(labels, x.key);
    const vals = arr(x.values);
    if (x.operator === 'In' && !(has && vals.includes(labels[x.key]))) return false;
    if (x.operator === 'NotIn' && has && vals.includes(labels[x.key])) return false;
    if (x.operator === 'Exists' && !has) return false;
    if (x.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

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

function nonNegative(e: FieldErrors, v: unknown, path: string): void {
  if (v === undefined || v === null) return;
  if (!isInt(v)) e.invalid(path, v, 'must be an integer');
  else if (v < 0) e.invalid(path, v, 'must be greater than or equal to 0');
}

/** "25%" or a non-negative integer (ValidatePositiveIntOrPercent). */
function intOrPercent(e: FieldErrors, v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    if (v < 0) e.invalid(path, v, 'must be greater than or equal to 0');
    return v;
  }
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m) { e.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"); return undefined; }
    const n = Number(m[1]);
    if (n > 100) e.invalid(path, v, 'must not be greater than 100%');
    return n;
  }
  e.invalid(path, v, 'must be an integer or percentage (e.g \'5%\')');
  return undefined;
}

function immutable(e: FieldErrors, o: Any, old: Any, path: string): void {
  const get = (x: Any) => path.split('.').reduce<any>((a, k) => (a === undefined || a === null ? undefined : a[k]), x);
  const a = get(o);
  const b = get(old);
  if (!deepEqual(a, b)) e.invalid(path, a ?? null, 'field is immutable');
}

function validateDeployment(o: KObject, old?: KObject): FieldCause[] {
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

function validateReplicaSet(o: KObject, old?: KObject): FieldCause[] {
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

function validateStatefulSet(o: KObject, old?: KObject): FieldCause[] {
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

function validateDaemonSet(o: KObject, old?: KObject): FieldCause[] {
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
  if (isObj(tspec) && (tspec.restartPolicy === undefined || tspec.restartPolicy === 'Always')) {
    // Job templates must choose a terminating policy; the default "Always" is refused.
    e.notSupported(`${prefix}.template.spec.restartPolicy`, tspec.restartPolicy ?? 'Always', ['OnFailure', 'Never']);
    validatePodSpec(e, { ...tspec, restartPolicy: 'Never' }, `${prefix}.template.spec`, { restartPolicies: ['OnFailure', 'Never'] });
  } else {
    validatePodSpec(e, tspec, `${prefix}.template.spec`, { restartPolicies: ['OnFailure', 'Never'] });
  }
  if (isObj(spec.selector) && isObj(spec.template.metadata?.labels) && !selectorMatches(spec.selector, spec.template.metadata.labels)) {
    e.invalid(`${prefix}.template.metadata.labels`, spec.template.metadata.labels, '`selector` does not match template `labels`');
  }
}

function validateJob(o: KObject, old?: KObject): FieldCause[] {
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

function validateCronJob(o: KObject, old?: KObject): FieldCause[] {
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

// -----------------------------------------------------------------------------------------------
// services

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isIP = (s: string) => IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));

function validateService(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1035LabelErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (spec.type !== undefined && !types.includes(spec.type)) e.notSupported('spec.type', spec.type, types);
  const ports = arr(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) e.required('spec.externalName');
    else e.invalidAll('spec.externalName', spec.externalName, dns1123SubdomainErrors(String(spec.externalName).replace(/\.$/, '')));
  } else if (ports.length === 0 && !headless) {
    e.required('spec.ports');
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (!isObj(p)) { e.invalid(pp, p, 'must be an object'); return; }
    if (ports.length > 1 && !p.name) e.required(`${pp}.name`);
    if (p.name) {
      e.invalidAll(`${pp}.name`, p.name, dns1123LabelErrors(String(p.name)));
      if (names.has(p.name)) e.duplicate(`${pp}.name`, p.name);
      names.add(p.name);
    }
    if (p.port === undefined || p.port === 0) e.required(`${pp}.port`);
    else e.invalidAll(`${pp}.port`, p.port, portNumberErrors(p.port));
    if (p.protocol === undefined || p.protocol === '') e.required(`${pp}.protocol`);
    else if (!PROTOCOLS.includes(p.protocol)) e.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS);
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) e.duplicate(pp, { port: p.port, protocol: p.protocol });
    seen.add(key);
    if (p.targetPort !== undefined) {
      if (typeof p.targetPort === 'number') e.invalidAll(`${pp}.targetPort`, p.targetPort, portNumberErrors(p.targetPort));
      else if (typeof p.targetPort === 'string') e.invalidAll(`${pp}.targetPort`, p.targetPort, portNameErrors(p.targetPort));
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') e.forbidden(`${pp}.nodePort`, 'may not be used when `type` is \'' + (spec.type ?? 'ClusterIP') + '\'');
      else e.invalidAll(`${pp}.nodePort`, p.nodePort, portNumberErrors(p.nodePort));
    }
  });
  if (spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None' && !isIP(String(spec.clusterIP))) {
    e.invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  }
  if (spec.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(spec.sessionAffinity)) {
    e.notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']);
  }
  for (const f of ['internalTrafficPolicy', 'externalTrafficPolicy']) {
    if (spec[f] !== undefined && !['Cluster', 'Local'].includes(spec[f])) e.notSupported(`spec.${f}`, spec[f], ['Cluster', 'Local']);
  }
  if (isObj(spec.selector)) validateLabels(e, spec.selector, 'spec.selector');
  arr(spec.externalIPs).forEach((ip, i) => { if (typeof ip !== 'string' || !isIP(ip)) e.invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'); });
  if (old) {
    validateMetaUpdate(e, o, old);
    const os: Any = isObj(old.spec) ? old.spec : {};
    const changingType = (os.type === 'ExternalName') !== (spec.type === 'ExternalName');
    if (!changingType && os.clusterIP && spec.clusterIP && os.clusterIP !== spec.clusterIP) {
      e.invalid('spec.clusterIPs[0]', [spec.clusterIP], 'may not change once set');
    }
  }
  return e.list;
}

// -----------------------------------------------------------------------------------------------
// configuration

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

function validateConfigMap(o: KObject, old?: KObject): FieldCause[] {
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

function validateSecret(o: KObject, old?: KObject): FieldCause[] {
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

function validateNamespace(o: KObject, old?: KObject): FieldCause[] {
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

// -----------------------------------------------------------------------------------------------
// ingress

function validateIngressBackend(e: FieldErrors, b: unknown, path: string): void {
  if (!isObj(b)) { e.required(path); return; }
  const hasService = isObj(b.service);
  const hasResource = isObj(b.resource);
  if (hasService && hasResource) e.invalid(path, '', 'cannot set both resource and service backends');
  else if (!hasService && !hasResource) e.invalid(path, '', 'resource or service backend is required');
  if (hasService) {
    const s = b.service;
    if (!s.name) e.required(`${path}.service.name`);
    else e.invalidAll(`${path}.service.name`, s.name, dns1035LabelErrors(String(s.name)));
    const port = s.port;
    const hasName = isObj(port) && !!port.name;
    const hasNumber = isObj(port) && port.number !== undefined && port.number !== 0;
    if (hasName && hasNumber) e.invalid(`${path}.service.port`, port, 'cannot set both port name & port number');
    else if (hasName) e.invalidAll(`${path}.service.port.name`, port.name, portNameErrors(String(port.name)));
    else if (hasNumber) e.invalidAll(`${path}.service.port.number`, port.number, portNumberErrors(port.number));
    else e.invalid(`${path}.service.port`, port ?? null, 'port name or number is required');
  }
  if (hasResource) {
    if (!b.resource.kind) e.required(`${path}.resource.kind`);
    if (!b.resource.name) e.required(`${path}.resource.name`);
  }
}

function validateIngress(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  const rules = arr(spec.rules);
  if (rules.length === 0 && !spec.defaultBackend) e.invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified');
  if (spec.defaultBackend) validateIngressBackend(e, spec.defaultBackend, 'spec.defaultBackend');
  if (spec.ingressClassName) e.invalidAll('spec.ingressClassName', spec.ingressClassName, dns1123SubdomainErrors(String(spec.ingressClassName)));
  const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
  rules.forEach((r, i) => {
    const rp = `spec.rules[${i}]`;
    if (!isObj(r)) { e.invalid(rp, r, 'must be an object'); return; }
    if (r.host) {
      const host = String(r.host);
      if (isIP(host)) e.invalid(`${rp}.host`, host, 'must be a DNS name, not an IP address');
      const check = host.startsWith('*.') ? host.slice(2) : host;
      if (host.includes('*') && !host.startsWith('*.')) {
        e.invalid(`${rp}.host`, host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      } else {
        e.invalidAll(`${rp}.host`, host, dns1123SubdomainErrors(check));
      }
    }
    if (r.http === undefined || r.http === null) return;
    const paths = arr(r.http.paths);
    if (paths.length === 0) e.required(`${rp}.http.paths`);
    paths.forEach((p, j) => {
      const pp = `${rp}.http.paths[${j}]`;
      if (!isObj(p)) { e.invalid(pp, p, 'must be an object'); return; }
      if (!p.pathType) e.required(`${pp}.pathType`, 'pathType must be specified');
      else if (!PATH_TYPES.includes(p.pathType)) e.notSupported(`${pp}.pathType`, p.pathType, PATH_TYPES);
      if ((p.pathType === 'Exact' || p.pathType === 'Prefix')) {
        if (typeof p.path !== 'string' || !p.path.startsWith('/')) e.invalid(`${pp}.path`, p.path ?? '', 'must be an absolute path');
        else {
          for (const bad of ['//', '/./', '/../', '%2f', '%2F']) if (p.path.includes(bad)) e.invalid(`${pp}.path`, p.path, `must not contain '${bad}'`);
          for (const bad of ['/..', '/.']) if (p.path.endsWith(bad)) e.invalid(`${pp}.path`, p.path, `cannot end with '${bad}'`);
        }
      } else if (p.pathType === 'ImplementationSpecific' && p.path && !String(p.path).startsWith('/')) {
        e.invalid(`${pp}.path`, p.path, 'must be an absolute path');
      }
      validateIngressBackend(e, p.backend, `${pp}.backend`);
    });
  });
  arr(spec.tls).forEach((t, i) => {
    arr(t?.hosts).forEach((h, j) => {
      const host = String(h);
      e.invalidAll(`spec.tls[${i}].hosts[${j}]`, host, dns1123SubdomainErrors(host.startsWith('*.') ? host.slice(2) : host));
    });
  });
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

// -----------------------------------------------------------------------------------------------

function metaOnly(nameRule: NameRule, namespaced: boolean) {
  return (o: KObject, old?: KObject): FieldCause[] => {
    const e = new FieldErrors();
    validateMeta(e, o, nameRule, namespaced);
    if (old) validateMetaUpdate(e, o, old);
    return e.list;
  };
}

// -----------------------------------------------------------------------------------------------
// storage, policy, rbac, discovery, nodes, events

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

function validatePVC(o: KObject, old?: KObject): FieldCause[] {
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

function validatePV(o: KObject, old?: KObject): FieldCause[] {
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

function validateResourceQuota(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  validateQuantityMap(e, (o.spec as Any)?.hard, 'spec.hard');
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

function validateLimitRange(o: KObject, old?: KObject): FieldCause[] {
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

function validateNetworkPolicy(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  if (spec.podSelector) validateSelector(e, spec.podSelector, 'spec.podSelector');
  arr(spec.policyTypes).forEach((t, i) => { if (!['Ingress', 'Egress'].includes(t)) e.notSupported(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress']); });
  for (const dir of ['ingress', 'egress']) {
    arr(spec[dir]).forEach((rule, i) => {
      arr(rule?.ports).forEach((p, j) => {
        const pp = `spec.${dir}[${i}].ports[${j}]`;
        if (!isObj(p)) return;
        if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) e.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS);
        if (typeof p.port === 'number') e.invalidAll(`${pp}.port`, p.port, portNumberErrors(p.port));
        else if (typeof p.port === 'string') e.invalidAll(`${pp}.port`, p.port, portNameErrors(p.port));
      });
    });
  }
  if (old) validateMetaUpdate(e, o, old);
  return e.list;
}

function validateRoleBinding(namespaced: boolean) {
  return (o: KObject, old?: KObject): FieldCause[] => {
    const e = new FieldErrors();
    validateMeta(e, o, pathSegmentName, namespaced);
    const x = o as Any;
    const ref = x.roleRef;
    if (!isObj(ref)) e.required('roleRef');
    else {
      const kinds = namespaced ? ['ClusterRole', 'Role'] : ['ClusterRole'];
      if (!ref.name) e.required('roleRef.name');
      else e.invalidAll('roleRef.name', ref.name, pathSegmentName(String(ref.name)));
      if (!kinds.includes(ref.kind)) e.notSupported('roleRef.kind', ref.kind ?? '', kinds);
      if (ref.apiGroup !== 'rbac.authorization.k8s.io') e.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', ['rbac.authorization.k8s.io']);
    }
    arr(x.subjects).forEach((s, i) => {
      const p = `subjects[${i}]`;
      if (!isObj(s)) { e.invalid(p, s, 'must be an object'); return; }
      if (!s.name) e.required(`${p}.name`);
      switch (s.kind) {
        case 'ServiceAccount':
          if (s.apiGroup) e.notSupported(`${p}.apiGroup`, s.apiGroup, ['']);
          if (!namespaced && !s.namespace) e.required(`${p}.namespace`);
          break;
        case 'User': case 'Group':
          if (s.apiGroup !== 'rbac.authorization.k8s.io') e.notSupported(`${p}.apiGroup`, s.apiGroup ?? '', ['rbac.authorization.k8s.io']);
          break;
        default:
          e.notSupported(`${p}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']);
      }
    });
    if (old) {
      validateMetaUpdate(e, o, old);
      if (!deepEqual(x.roleRef, (old as Any).roleRef)) e.invalid('roleRef', x.roleRef ?? null, 'cannot change roleRef');
    }
    return e.list;
  };
}

function validateRole(namespaced: boolean) {
  return (o: KObject, old?: KObject): FieldCause[] => {
    const e = new FieldErrors();
    validateMeta(e, o, pathSegmentName, namespaced);
    arr((o as Any).rules).forEach((r, i) => {
      const p = `rules[${i}]`;
      if (!isObj(r)) { e.invalid(p, r, 'must be an object'); return; }
      if (arr(r.verbs).length === 0) e.required(`${p}.verbs`, 'verbs must contain at least one value');
      const urls = arr(r.nonResourceURLs);
      if (urls.length > 0) {
        if (namespaced) e.invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs');
        else if (arr(r.apiGroups).length > 0 || arr(r.resources).length > 0) e.invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs');
      } else if (arr(r.resources).length === 0) {
        e.required(`${p}.resources`, 'resource rules must supply at least one resource');
      } else if (arr(r.apiGroups).length === 0) {
        e.required(`${p}.apiGroups`, 'resource rules must supply at least one api group');
      }
    });
    if (old) validateMetaUpdate(e, o, old);
    return e.list;
  };
}

function validateEndpointSlice(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  const x = o as Any;
  const types = ['FQDN', 'IPv4', 'IPv6'];
  if (!x.addressType) e.required('addressType');
  else if (!types.includes(x.addressType)) e.notSupported('addressType', x.addressType, types);
  arr(x.endpoints).forEach((ep, i) => {
    const addrs = arr(ep?.addresses);
    if (addrs.length === 0) e.required(`endpoints[${i}].addresses`, 'must contain at least 1 address');
    addrs.forEach((a, j) => {
      if (x.addressType === 'IPv4' && !IPV4.test(String(a))) e.invalid(`endpoints[${i}].addresses[${j}]`, a, 'must be a valid IPv4 address');
    });
  });
  arr(x.ports).forEach((p, i) => {
    if (!isObj(p)) return;
    if (p.port !== undefined && p.port !== null) e.invalidAll(`ports[${i}].port`, p.port, portNumberErrors(p.port));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) e.notSupported(`ports[${i}].protocol`, p.protocol, PROTOCOLS);
  });
  if (old) {
    validateMetaUpdate(e, o, old);
    if ((old as Any).addressType !== x.addressType) e.invalid('addressType', x.addressType ?? '', 'field is immutable');
  }
  return e.list;
}

function validateNode(o: KObject, old?: KObject): FieldCause[] {
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

function validateCoreEvent(o: KObject, old?: KObject): FieldCause[] {
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

function validateEventsV1(o: KObject, old?: KObject): FieldCause[] {
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

function validateLease(o: KObject, old?: KObject): FieldCause[] {
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

function validateServiceAccount(o: KObject, old?: KObject): FieldCause[] {
  return metaOnly(dns1123SubdomainErrors, true)(o, old);
}

const VALIDATORS: Record<string, (o: KObject, old?: KObject) => FieldCause[]> = {
  '/Pod': validatePod,
  '/Service': validateService,
  '/ConfigMap': validateConfigMap,
  '/Secret': validateSecret,
  '/Namespace': validateNamespace,
  '/ServiceAccount': validateServiceAccount,
  '/Node': validateNode,
  '/PersistentVolume': validatePV,
  '/PersistentVolumeClaim': validatePVC,
  '/ResourceQuota': validateResourceQuota,
  '/LimitRange': validateLimitRange,
  '/Event': validateCoreEvent,
  'events.k8s.io/Event': validateEventsV1,
  'coordination.k8s.io/Lease': validateLease,
  'discovery.k8s.io/EndpointSlice': validateEndpointSlice,
  'networking.k8s.io/NetworkPolicy': validateNetworkPolicy,
  'apps/Deployment': validateDeployment,
  'apps/ReplicaSet': validateReplicaSet,
  'apps/StatefulSet': validateStatefulSet,
  'apps/DaemonSet': validateDaemonSet,
  'batch/Job': validateJob,
  'batch/CronJob': validateCronJob,
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': metaOnly(dns1123SubdomainErrors, false),
  'rbac.authorization.k8s.io/Role': validateRole(true),
  'rbac.authorization.k8s.io/RoleBinding': validateRoleBinding(true),
  'rbac.authorization.k8s.io/ClusterRole': validateRole(false),
  'rbac.authorization.k8s.io/ClusterRoleBinding': validateRoleBinding(false),
};

const CLUSTER_SCOPED = new Set(['/Namespace', '/Node', '/PersistentVolume', 'networking.k8s.io/IngressClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding']);

/** The validator for a kind; kinds without specific rules still get object-metadata validation. */
export function validatorFor(group: string, kind: string): (obj: KObject, old?: KObject) => FieldCause[] {
  const key = `${group}/${kind}`;
  return VALIDATORS[key] ?? metaOnly(dns1123SubdomainErrors, !CLUSTER_SCOPED.has(key));
}
