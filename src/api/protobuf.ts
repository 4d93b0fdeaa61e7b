/**
 * Decoding of Kubernetes protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf),
 * which kubectl >= 1.32 sends for `kubectl create configmap|secret|deployment|service|job|…`.
 *
 * Wire layout: the 4-byte magic "k8s\0", then a runtime.Unknown message
 *   1: typeMeta {1: apiVersion, 2: kind}   2: raw (the object's own message)
 *   3: contentEncoding                     4: contentType
 * The object's fields are read with the protobuf field numbers recorded in the type descriptions
 * (schemas-*.ts, from k8s.io/api generated.proto) and turned into the JSON the server stores:
 * Go's encoder writes every non-pointer scalar, so zero values of optional scalars are dropped the
 * way JSON `omitempty` would; pointer fields keep their zero (replicas: 0).
 */
import { BosunError } from '../errors/index.js';
import type { KObject } from './types.js';
import { getStruct, META, structForKind, type FieldDef, type StructDef, type TypeRef } from './schemas.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META_KINDS = new Set(['DeleteOptions']);

interface RawField { no: number; wire: number; varint?: bigint; bytes?: Buffer }

const bad = (m: string) => new BosunError('BadRequest', m);

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw bad('protobuf: truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw bad('protobuf: varint too long');
  }
}

function readFields(buf: Buffer): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let key: bigint;
    [key, pos] = readVarint(buf, pos);
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      let v: bigint;
      [v, pos] = readVarint(buf, pos);
      out.push({ no, wire, varint: v });
    } else if (wire === 2) {
      let len: bigint;
      [len, pos] = readVarint(buf, pos);
      const end = pos + Number(len);
      if (end > buf.length) throw bad('protobuf: truncated length-delimited field');
      out.push({ no, wire, bytes: buf.subarray(pos, end) });
      pos = end;
    } else if (wire === 1) {
      if (pos + 8 > buf.length) throw bad('protobuf: truncated fixed64');
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      if (pos + 4 > buf.length) throw bad('protobuf: truncated fixed32');
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw bad(`protobuf: unsupported wire type ${wire}`);
    }
  }
  return out;
}

const int = (f: RawField) => Number(BigInt.asIntN(64, f.varint ?? 0n));
const str = (f: RawField) => (f.bytes ?? Buffer.alloc(0)).toString('utf8');

function formatTime(fields: RawField[], micro: boolean): string | undefined {
  let seconds = 0;
  let nanos = 0;
  for (const f of fields) {
    if (f.no === 1) seconds = int(f);
    else if (f.no === 2) nanos = int(f);
  }
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString();
  if (!micro) return iso.replace(/\.\d+Z$/, 'Z');
  return `${iso.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** Decodes one value of type `t` from a raw field (for repeated fields: one element). */
function decodeValue(f: RawField, t: TypeRef, path: string): unknown {
  switch (t.k) {
    case 'struct': return decodeMessage(f.bytes ?? Buffer.alloc(0), getStruct(t.name)!, path);
    case 'map': {
      let key = '';
      let value: unknown;
      for (const e of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (e.no === 1) key = str(e);
        else if (e.no === 2) value = decodeValue(e, t.values, `${path}.${key}`);
      }
      return [key, value ?? zeroOf(t.values)];
    }
    case 'array': throw bad(`protobuf: nested list at ${path}`);
    case 'scalar':
      switch (t.s) {
        case 'string': return str(f);
        case 'bytes': return (f.bytes ?? Buffer.alloc(0)).toString('base64');
        case 'int32': case 'int64': return int(f);
        case 'bool': return (f.varint ?? 0n) !== 0n;
        case 'double': return (f.bytes ?? Buffer.alloc(8)).readDoubleLE(0);
        case 'Quantity': {
          const s = readFields(f.bytes ?? Buffer.alloc(0)).find((x) => x.no === 1);
          return s ? str(s) : '0';
        }
        case 'IntOrString': {
          let type = 0;
          let intVal = 0;
          let strVal = '';
          for (const x of readFields(f.bytes ?? Buffer.alloc(0))) {
            if (x.no === 1) type = int(x);
            else if (x.no === 2) intVal = int(x);
            else if (x.no === 3) strVal = str(x);
          }
          return type === 0 ? intVal : strVal;
        }
        case 'Time': return formatTime(readFields(f.bytes ?? Buffer.alloc(0)), false);
        case 'MicroTime': return formatTime(readFields(f.bytes ?? Buffer.alloc(0)), true);
        case 'any': {
          // RawExtension and FieldsV1 both carry their JSON in field 1; typed messages we do not
          // describe field-by-field cannot be decoded faithfully, so they are refused, not guessed.
          const raw = readFields(f.bytes ?? Buffer.alloc(0));
          const inner = raw.find((x) => x.no === 1 && x.wire === 2);
          if (raw.length === 1 && inner?.bytes) {
            try { return JSON.parse(inner.bytes.toString('utf8')); } catch { /* not JSON: fall through */ }
          }
          if (raw.length === 0) return {};
          throw bad(`protobuf decoding of ${path} is not supported; send the object as JSON`);
        }
      }
  }
}

function zeroOf(t: TypeRef): unknown {
  if (t.k === 'scalar') {
    if (t.s === 'string' || t.s === 'bytes') return '';
    if (t.s === 'int32' || t.s === 'int64' || t.s === 'double') return 0;
    if (t.s === 'bool') return false;
  }
  return {};
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false || v === undefined;

interface FieldSlot { def: FieldDef; inline?: never }
interface InlineSlot { inline: StructDef; def?: never }

const SLOTS = new Map<string, Map<number, FieldSlot | InlineSlot>>();

function slots(def: StructDef): Map<number, FieldSlot | InlineSlot> {
  const hit = SLOTS.get(def.name);
  if (hit) return hit;
  const m = new Map<number, FieldSlot | InlineSlot>();
  SLOTS.set(def.name, m);
  for (const f of def.fields) if (f.proto > 0) m.set(f.proto, { def: f });
  for (const inl of def.inlines) m.set(inl.proto, { inline: getStruct(inl.name)! });
  return m;
}

function decodeMessage(buf: Buffer, def: StructDef, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const table = slots(def);
  for (const f of readFields(buf)) {
    const slot = table.get(f.no);
    if (!slot) continue; // a field newer than our tables: ignored, as an older server would.
    if (slot.inline) {
      Object.assign(out, decodeMessage(f.bytes ?? Buffer.alloc(0), slot.inline, path));
      continue;
    }
    const fd = slot.def!;
    const fpath = path ? `${path}.${fd.name}` : fd.name;
    if (fd.type.k === 'array') {
      const items = (out[fd.name] ??= []) as unknown[];
      const et = fd.type.items;
      const numeric = et.k === 'scalar' && ['int32', 'int64', 'bool'].includes(et.s);
      if (numeric && f.wire === 2) {
        // packed repeated scalars
        let pos = 0;
        const b = f.bytes ?? Buffer.alloc(0);
        while (pos < b.length) {
          let v: bigint;
          [v, pos] = readVarint(b, pos);
          items.push(et.k === 'scalar' && et.s === 'bool' ? v !== 0n : Number(BigInt.asIntN(64, v)));
        }
      } else {
        items.push(decodeValue(f, et, `${fpath}[${items.length}]`));
      }
    } else if (fd.type.k === 'map') {
      const [k, v] = decodeValue(f, fd.type, fpath) as [string, unknown];
      ((out[fd.name] ??= {}) as Record<string, unknown>)[k] = v;
    } else {
      const v = decodeValue(f, fd.type, fpath);
      if (v === undefined) continue;
      out[fd.name] = v;
    }
  }
  for (const fd of def.fields) {
    if (fd.type.k === 'scalar' && !fd.ptr && !fd.required && fd.name in out && isZero(out[fd.name])) delete out[fd.name];
  }
  return out;
}

/** Decodes a `k8s\0`-enveloped protobuf body into the JSON form of the object. */
export function decodeProtobuf(body: Buffer): KObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw new BosunError('BadRequest', 'provided protobuf body does not start with the Kubernetes "k8s\\x00" prefix');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  let contentEncoding = '';
  for (const f of readFields(body.subarray(4))) {
    if (f.no === 1) {
      for (const t of readFields(f.bytes ?? Buffer.alloc(0))) {
        if (t.no === 1) apiVersion = str(t);
        else if (t.no === 2) kind = str(t);
      }
    } else if (f.no === 2) raw = f.bytes ?? Buffer.alloc(0);
    else if (f.no === 3) contentEncoding = str(f);
  }
  if (contentEncoding !== '') throw new BosunError('UnsupportedMediaType', `unsupported protobuf content encoding "${contentEncoding}"`);
  if (!kind || !apiVersion) throw bad('protobuf body does not name its apiVersion and kind');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
  // meta/v1 option kinds are registered in every group-version, so clients stamp them with
  // whichever group-version they talk to ("v1", "apps/v1", "meta.k8s.io/v1").
  const def = structForKind(group, version, kind) ?? (META_KINDS.has(kind) ? getStruct(`${META}.${kind}`) : undefined);
  if (!def) throw new BosunError('UnsupportedMediaType', `the protobuf encoding of ${kind} (${apiVersion}) is not supported; send it as application/json`);
  return { apiVersion, kind, ...decodeMessage(raw, def, '') };
}
