/**
 * Label and field selectors: the query-string syntax (`app=web,tier in (a,b),!canary`), the object form
 * metav1.LabelSelector (matchLabels + matchExpressions), matching, and the canonical string the server
 * prints (sorted by key, as labels.Selector.String does) in Table cells and Scale.status.selector.
 */
import { BosunError } from '../errors/index.js';
import { labelValueErrors, qualifiedNameErrors } from './name-rules.js';

export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

const bad = (message: string) => new BosunError('BadRequest', message);

/** Parses the labelSelector query parameter; an empty string selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const s = text;
  const skipWs = () => { while (i < s.length && /\s/.test(s[i]!)) i++; };
  const word = () => {
    skipWs();
    const start = i;
    while (i < s.length && !/[\s,()=!]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipWs();
  if (i >= s.length) return reqs;
  for (;;) {
    skipWs();
    let req: LabelRequirement;
    if (s[i] === '!') {
      i++;
      const key = word();
      if (!key) throw bad(`unable to parse requirement: found '${s[i] ?? 'EOS'}', expected: identifier`);
      req = { key, operator: '!', values: [] };
    } else {
      const key = word();
      if (!key) throw bad(`unable to parse requirement: found '${s[i] ?? 'EOS'}', expected: !, identifier, or 'end of string'`);
      skipWs();
      if (i >= s.length || s[i] === ',') {
        req = { key, operator: 'exists', values: [] };
      } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
        const op: LabelOperator = s.startsWith('==', i) ? '==' : s.startsWith('!=', i) ? '!=' : '=';
        i += op.length;
        const value = word();
        req = { key, operator: op, values: [value] };
      } else {
        const op = word();
        if (op !== 'in' && op !== 'notin') throw bad(`unable to parse requirement: found '${op}', expected: in, notin, =, ==, !=`);
        skipWs();
        if (s[i] !== '(') throw bad(`unable to parse requirement: found '${s[i] ?? 'EOS'}', expected: '('`);
        i++;
        const values: string[] = [];
        for (;;) {
          values.push(word());
          skipWs();
          if (s[i] === ',') { i++; continue; }
          if (s[i] === ')') { i++; break; }
          throw bad(`unable to parse requirement: found '${s[i] ?? 'EOS'}', expected: ',', ')'`);
        }
        req = { key, operator: op, values: [...new Set(values)].sort() };
      }
    }
    checkRequirement(req);
    reqs.push(req);
    skipWs();
    if (i >= s.length) break;
    if (s[i] !== ',') throw bad(`unable to parse requirement: found '${s[i]}', expected: ','`);
    i++;
  }
  return reqs;
}

function checkRequirement(req: LabelRequirement): void {
  const keyErr = qualifiedNameErrors(req.key);
  if (keyErr.length) throw bad(`unable to parse requirement: key: Invalid value: "${req.key}": ${keyErr.join('; ')}`);
  for (const v of req.values) {
    const valErr = labelValueErrors(v);
    if (valErr.length) throw bad(`unable to parse requirement: values[0][${req.key}]: Invalid value: "${v}": ${valErr.join('; ')}`);
  }
}

/** metav1.LabelSelector → requirements. A null selector matches nothing, an empty one everything. */
export function labelSelectorRequirements(sel: LabelSelectorObject): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, operator: '=', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, operator: 'in', values: [...(e.values ?? [])] }); break;
      case 'NotIn': reqs.push({ key: e.key, operator: 'notin', values: [...(e.values ?? [])] }); break;
      case 'Exists': reqs.push({ key: e.key, operator: 'exists', values: [] }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, operator: '!', values: [] }); break;
      default: throw bad(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return reqs;
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case '=': case '==': case 'in': return has && r.values.includes(l[r.key]!);
      case '!=': case 'notin': return !has || !r.values.includes(l[r.key]!);
      case 'exists': return has;
      case '!': return !has;
    }
  });
}

/** A matcher for a metav1.LabelSelector; `undefined`/null selects nothing (the Kubernetes rule). */
export function labelSelectorMatcher(sel: LabelSelectorObject | null | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!sel) return () => false;
  const reqs = labelSelectorRequirements(sel);
  return (labels) => matchesLabels(reqs, labels);
}

/** labels.Selector.String(): requirements sorted by key; "" for an empty selector. */
export function formatLabelRequirements(reqs: LabelRequirement[]): string {
  const sorted = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sorted.map((r) => {
    switch (r.operator) {
      case '=': case '==': return `${r.key}${r.operator}${r.values[0] ?? ''}`;
      case '!=': return `${r.key}!=${r.values[0] ?? ''}`;
      case 'in': case 'notin': return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`;
      case 'exists': return r.key;
      case '!': return `!${r.key}`;
    }
  }).join(',');
}

/** metav1.LabelSelector as the server prints it (Scale.status.selector, wide Selector cells). */
export function formatLabelSelector(sel: LabelSelectorObject | null | undefined): string {
  if (!sel) return '';
  return formatLabelRequirements(labelSelectorRequirements(sel));
}

/** labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

// ---------------------------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

/** Parses the fieldSelector query parameter; `\,` `\=` and `\\` escape as in fields.ParseSelector. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  if (text.trim() === '') return out;
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) { cur += c + text[i + 1]; i++; continue; }
    if (c === ',') { terms.push(cur); cur = ''; continue; }
    cur += c;
  }
  terms.push(cur);
  for (const term of terms) {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(unescapedSplitPoint(term));
    if (!m) throw bad(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = unescape(term.slice(0, m[1]!.length)).trim();
    const value = unescape(term.slice(m[1]!.length + m[2]!.length));
    if (!field) throw bad(`invalid selector: '${text}'; can't understand '${term}'`);
    out.push({ field, operator: m[2] as FieldRequirement['operator'], value });
  }
  return out;
}

/** Masks escaped characters so the operator search sees only unescaped `=`/`!=` (same length as input). */
function unescapedSplitPoint(term: string): string {
  return term.replace(/\\./g, '__');
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => {
    const v = fields[r.field] ?? '';
    return r.operator === '!=' ? v !== r.value : v === r.value;
  });
}

const get = (o: unknown, path: string): unknown => {
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
};
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/**
 * Per-kind selectable fields, as the real server registers them (pod.GetAttrs, event.GetAttrs, …).
 * Every kind supports metadata.name and metadata.namespace.
 */
const KIND_FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason',
    'reportingComponent', 'source', 'type'],
  Secret: ['type'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
  Service: ['spec.clusterIP', 'spec.type'],
};

/** The field set a field selector is matched against; throws BadRequest for fields the kind does not support. */
export function selectableFields(kind: string, obj: Record<string, unknown>): Record<string, string> {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = { 'metadata.name': str(meta.name), 'metadata.namespace': str(meta.namespace) };
  const isEventsV1 = kind === 'Event' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('events.k8s.io/');
  for (const f of KIND_FIELDS[kind] ?? []) {
    if (kind === 'Event' && isEventsV1) {
      // events.k8s.io/v1 renames the fields; the server maps them back to the core/v1 names for selectors.
      const mapped = f.startsWith('involvedObject.') ? `regarding.${f.slice('involvedObject.'.length)}`
        : f === 'source' ? 'reportingController' : f === 'reportingComponent' ? 'reportingController' : f;
      out[f] = str(get(obj, mapped));
    } else if (kind === 'Event' && f === 'source') {
      out[f] = str(get(obj, 'source.component'));
    } else if (kind === 'Job' && f === 'status.successful') {
      out[f] = str(get(obj, 'status.succeeded'));
    } else {
      out[f] = str(get(obj, f));
    }
  }
  return out;
}

/** Checks a parsed field selector against what the kind supports (the server answers 400 otherwise). */
export function checkFieldSelector(kind: string, reqs: FieldRequirement[]): void {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(KIND_FIELDS[kind] ?? [])]);
  for (const r of reqs) {
    if (!allowed.has(r.field)) throw bad(`field label not supported: ${r.field}`);
  }
}
