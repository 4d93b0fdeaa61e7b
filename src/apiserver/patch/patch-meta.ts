/**
 * Strategic-merge metadata (`x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` in the
 * OpenAPI schemas) for the built-in kinds, looked up by field path. A path lists field names from
 * the object root; list items add nothing (spec.template.spec.containers[*].env is
 * ["spec","template","spec","containers","env"]).
 */
export interface FieldPatchMeta {
  /** 'merge': lists merge by mergeKey (or as a set for primitives); 'retainKeys': the map clears keys the patch does not list. */
  strategies: Array<'merge' | 'retainKeys'>;
  mergeKey?: string;
}

export type PatchMetaLookup = (kind: string, path: string[]) => FieldPatchMeta | undefined;

const merge = (mergeKey?: string): FieldPatchMeta => ({ strategies: ['merge'], mergeKey });

/** Fields of a PodSpec and its containers, wherever a pod template sits. */
function podSpecField(rest: string[]): FieldPatchMeta | undefined {
  const [f, ...sub] = rest;
  if (sub.length === 0) {
    switch (f) {
      case 'containers': case 'initContainers': case 'ephemeralContainers':
      case 'imagePullSecrets': case 'resourceClaims': case 'schedulingGates': return merge('name');
      case 'volumes': return { strategies: ['merge', 'retainKeys'], mergeKey: 'name' };
      case 'hostAliases': return merge('ip');
      case 'topologySpreadConstraints': return merge('topologyKey');
    }
    return undefined;
  }
  if ((f === 'containers' || f === 'initContainers' || f === 'ephemeralContainers') && sub.length === 1) {
    switch (sub[0]) {
      case 'env': return merge('name');
      case 'ports': return merge('containerPort');
      case 'volumeMounts': return merge('mountPath');
      case 'volumeDevices': return merge('devicePath');
      case 'resizePolicy': return { strategies: [], mergeKey: undefined };
    }
  }
  return undefined;
}

export const builtinPatchMeta: PatchMetaLookup = (kind, path) => {
  const p = path.join('.');
  if (p === 'metadata.ownerReferences') return merge('uid');
  if (p === 'metadata.finalizers') return merge();
  if (p === 'status.conditions') return merge('type');
  if (p === 'spec.finalizers' && kind === 'Namespace') return undefined;
  if (kind === 'Pod' && path[0] === 'spec') return podSpecField(path.slice(1));
  if (path[0] === 'spec' && path[1] === 'template' && path[2] === 'spec') return podSpecField(path.slice(3));
  if (kind === 'CronJob' && p.startsWith('spec.jobTemplate.spec.template.spec.')) return podSpecField(path.slice(5));
  if (kind === 'Deployment' && p === 'spec.strategy') return { strategies: ['retainKeys'] };
  if (kind === 'DaemonSet' && p === 'spec.updateStrategy') return { strategies: ['retainKeys'] };
  if (kind === 'Service' && p === 'spec.ports') return merge('port');
  if (kind === 'Node' && p === 'status.addresses') return merge('type');
  if (kind === 'Node' && p === 'spec.taints') return merge('key');
  if (kind === 'StatefulSet' && p === 'spec.volumeClaimTemplates') return undefined;
  return undefined;
};
