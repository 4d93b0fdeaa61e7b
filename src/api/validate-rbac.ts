/** Role, ClusterRole, RoleBinding and ClusterRoleBinding validation. */
import type { FieldCause } from '../errors/index.js';
import type { KObject } from './types.js';
import { FieldErrors } from './field-errors.js';
import { deepEqual } from './strategic-merge-patch.js';
import { isObj, arr, pathSegmentName, validateMeta, validateMetaUpdate, type Any } from './validate-common.js';

export function validateRoleBinding(namespaced: boolean) {
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

export function validateRole(namespaced: boolean) {
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
