/** Service, Ingress, NetworkPolicy and EndpointSlice validation. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, portNameErrors, portNumberErrors } from './name-rules.js';
import { isObj, arr, validateLabels, validateMeta, validateMetaUpdate, validateSelector, immutable, PROTOCOLS, IPV4, isIP, type Any } from './validate-common.js';

export function validateService(o: KObject, old?: KObject): FieldCause[] {
  const e = new FieldErrors();
  validateMeta(e, o, dns1035LabelErrors, true);
  const spec: Any = isObj(o.spec) ? o.spec : {};
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (spec.type !== undefined && !types.includes(spec.type)) e.notSupported('spec.type', spec.type, types);
  const ports = arr(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP !== undefined && spec.clusterIP !== '') e.forbidden('spec.clusterIP', 'may not be set for ExternalName services');
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
  if (headless && (spec.type === 'NodePort' || spec.type === 'LoadBalancer')) {
    e.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`);
  }
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

export function validateIngress(o: KObject, old?: KObject): FieldCause[] {
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

export function validateNetworkPolicy(o: KObject, old?: KObject): FieldCause[] {
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

export function validateEndpointSlice(o: KObject, old?: KObject): FieldCause[] {
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
