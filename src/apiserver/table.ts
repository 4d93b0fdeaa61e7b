/**
 * Server-side printing: a list or object as a meta.k8s.io/v1 Table when the client's Accept asks
 * for `as=Table` (kubectl get), and PartialObjectMetadata(List) for `as=PartialObjectMetadata`
 * (metadata-only informers). Columns come from the catalog; Name leads unless the kind's layout
 * carries its own.
 */
import type { KObject, ResourceInfo, TableColumn } from '../api/index.js';
import { BosunError } from '../errors/index.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const NAME_COLUMN: TableColumn = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

export type Rendering = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | undefined;

/** Which server-side rendering the Accept header asks for (the first acceptable one wins). */
export function rendering(accept: string | undefined): Rendering {
  for (const part of (accept ?? '').split(',')) {
    const m = part.match(/;\s*as=([A-Za-z]+)/);
    if (!m) continue;
    if (m[1] === 'Table' || m[1] === 'PartialObjectMetadata' || m[1] === 'PartialObjectMetadataList') return m[1];
  }
  return undefined;
}

export function parseIncludeObject(v: string | undefined): IncludeObject {
  if (v === undefined || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw new BosunError('BadRequest', `includeObject must be one of None, Metadata, Object (got "${v}")`);
}

export function partialMetadata(obj: KObject): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: Record<string, unknown>;
  columnDefinitions: TableColumn[] | null;
  rows: Array<{ cells: unknown[]; object?: KObject }>;
}

/** What a Table needs of a kind: its columns and how to fill them. */
export type TableSource = Pick<ResourceInfo, 'columns' | 'cells' | 'nameColumn'>;

export function columns(info: TableSource): TableColumn[] {
  return info.nameColumn === false ? info.columns : [NAME_COLUMN, ...info.columns];
}

export function toTable(info: TableSource, objs: KObject[], include: IncludeObject, listMeta: Record<string, unknown>, withColumns = true): Table {
  const named = info.nameColumn !== false;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? columns(info) : null,
    rows: objs.map((o) => {
      const row: { cells: unknown[]; object?: KObject } = { cells: named ? [o.metadata?.name ?? '', ...info.cells(o)] : info.cells(o) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = partialMetadata(o);
      return row;
    }),
  };
}
