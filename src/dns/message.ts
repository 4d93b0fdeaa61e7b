/**
 * DNS wire format (RFC 1035) for an authoritative-only server: queries are parsed, responses are
 * built with name compression. Record types are the ones a container or cluster DNS answers with.
 */

export const RRType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const RCode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const CLASS_IN = 1;

export interface Question {
  /** Lower-case, without the trailing dot ("" is the root). */
  name: string;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  /** Recursion desired: echoed back as RFC 1035 asks. */
  rd: boolean;
  questions: Question[];
}

export type RData =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'CNAME'; target: string }
  | { type: 'PTR'; target: string }
  | { type: 'NS'; target: string }
  | { type: 'TXT'; text: string[] }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RData;
}

export interface Response {
  rcode: number;
  authoritative?: boolean;
  answers?: ResourceRecord[];
  authority?: ResourceRecord[];
  truncated?: boolean;
}

export class FormatError extends Error {
  /** The query ID when the header was readable, so a FORMERR can still be sent. */
  constructor(message: string, readonly id?: number) {
    super(message);
  }
}

function readName(buf: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = start;
  let next = -1;
  for (let hops = 0; ; hops++) {
    if (pos >= buf.length || hops > 127) throw new FormatError('name runs past the message');
    const len = buf[pos];
    if (len === 0) {
      pos += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new FormatError('truncated compression pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1];
      continue;
    }
    if (len & 0xc0) throw new FormatError('unknown label type');
    if (pos + 1 + len > buf.length) throw new FormatError('label runs past the message');
    labels.push(buf.subarray(pos + 1, pos + 1 + len).toString('latin1'));
    pos += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), next: next < 0 ? pos : next };
}

export function parseQuery(buf: Buffer): Query {
  if (buf.length < 12) throw new FormatError('message shorter than its header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) throw new FormatError('not a query', id);
  const qd = buf.readUInt16BE(4);
  const questions: Question[] = [];
  let pos = 12;
  try {
    for (let i = 0; i < qd; i++) {
      const { name, next } = readName(buf, pos);
      if (next + 4 > buf.length) throw new FormatError('truncated question');
      questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
      pos = next + 4;
    }
  } catch (e) {
    throw new FormatError((e as Error).message, id);
  }
  return { id, opcode: (flags >> 11) & 0xf, rd: (flags & 0x0100) !== 0, questions };
}

class Writer {
  private buf = Buffer.alloc(512);
  len = 0;
  private readonly names = new Map<string, number>();

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  u8(v: number): void { this.ensure(1); this.buf.writeUInt8(v, this.len); this.len += 1; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16BE(v, this.len); this.len += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32BE(v >>> 0, this.len); this.len += 4; }
  bytes(b: Buffer): void { this.ensure(b.length); b.copy(this.buf, this.len); this.len += b.length; }
  setU16(at: number, v: number): void { this.buf.writeUInt16BE(v, at); }

  name(name: string): void {
    const labels = name === '' ? [] : name.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.len < 0x4000) this.names.set(suffix, this.len);
      const label = Buffer.from(labels[i], 'latin1');
      if (label.length === 0 || label.length > 63) throw new Error(`invalid DNS label in ${JSON.stringify(name)}`);
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return b;
}

const TYPE_CODE: Record<RData['type'], number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 };

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(TYPE_CODE[rr.data.type]);
  w.u16(CLASS_IN);
  w.u32(rr.ttl);
  const lenAt = w.len;
  w.u16(0);
  const d = rr.data;
  switch (d.type) {
    case 'A':
      for (const o of d.address.split('.')) w.u8(Number(o));
      break;
    case 'AAAA':
      w.bytes(ipv6Bytes(d.address));
      break;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      w.name(d.target);
      break;
    case 'TXT':
      for (const s of d.text) {
        const b = Buffer.from(s, 'utf8').subarray(0, 255);
        w.u8(b.length);
        w.bytes(b);
      }
      break;
    case 'SRV':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target);
      break;
    case 'SOA':
      w.name(d.mname);
      w.name(d.rname);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      break;
  }
  w.setU16(lenAt, w.len - lenAt - 2);
}

/** Builds the reply to `query`; with `maxSize` (UDP) answers that do not fit set TC instead. */
export function encodeResponse(query: Pick<Query, 'id' | 'opcode' | 'rd' | 'questions'>, res: Response, maxSize = Infinity): Buffer {
  const build = (answers: ResourceRecord[], authority: ResourceRecord[], truncated: boolean) => {
    const w = new Writer();
    let flags = 0x8000 | ((query.opcode & 0xf) << 11) | (res.rcode & 0xf);
    if (res.authoritative) flags |= 0x0400;
    if (truncated) flags |= 0x0200;
    if (query.rd) flags |= 0x0100;
    w.u16(query.id);
    w.u16(flags);
    w.u16(query.questions.length);
    w.u16(answers.length);
    w.u16(authority.length);
    w.u16(0);
    for (const q of query.questions) {
      w.name(q.name);
      w.u16(q.type);
      w.u16(q.class);
    }
    for (const rr of answers) writeRecord(w, rr);
    for (const rr of authority) writeRecord(w, rr);
    return w.done();
  };
  const full = build(res.answers ?? [], res.authority ?? [], res.truncated ?? false);
  if (full.length <= maxSize) return full;
  return build([], [], true);
}
