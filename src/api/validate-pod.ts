/** Pod and PodSpec validation (pkg/apis/core/validation: ValidatePodSpec, ValidatePodUpdate). */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { configKeyErrors, dns1123LabelErrors, dns1123SubdomainErrors, envVarNameErrors, portNameErrors, portNumberErrors } from './name-rules.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isQuantity, parseQuantity } from './quantity.js';
import { isObj, arr, isInt, validateLabels, validateMeta, validateMetaUpdate, PROTOCOLS, type Any } from './validate-common.js';

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

export function validatePodSpec(e: FieldErrors, spec: unknown, path: string, ctx: PodSpecContext): void {
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

export function validatePod(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1123SubdomainErrors, true);
  validatePodSpec(e, o.spec, 'spec', { restartPolicies: ['Always', 'OnFailure', 'Never'] });
  if (old) {
    validateMetaUpdate(e, o, old);
    if (isObj(o.spec) && isObj(old.spec)) validatePodSpecUpdate(e, o.spec, old.spec);
  }
  return e.list;
}
