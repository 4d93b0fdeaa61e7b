/**
 * Request bodies: read with the API server's 3 MiB limit, then decoded by Content-Type — JSON,
 * YAML, the four PATCH media types, and Kubernetes protobuf (`k8s\0` envelope) for the typed
 * clients of kubectl >= 1.32.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { BosunError } from '../errors/index.js';
import type { PatchType } from './registry.js';

export const MAX_BODY = 3 * 1024 * 1024;

/** Decodes a protobuf body to its JSON form; supplied by the API types layer. */
export type ProtobufDecoder = (body: Buffer) => unknown;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) {
    req.resume();
    throw new BosunError('TooLarge', `Request entity too large: limit is ${MAX_BODY}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      req.resume();
      throw new BosunError('TooLarge', `Request entity too large: limit is ${MAX_BODY}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

export function patchType(media: string): PatchType {
  switch (media) {
    case 'application/json-patch+json': return 'json';
    case 'application/merge-patch+json': return 'merge';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': case 'application/apply-patch+cbor': return 'apply';
  }
  throw new BosunError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BosunError('BadRequest', `couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function decodeBody(body: Buffer, media: string, protobuf: ProtobufDecoder): unknown {
  if (media === 'application/vnd.kubernetes.protobuf') return protobuf(body);
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  if (media === 'application/yaml' || media === 'application/apply-patch+yaml') {
    try {
      // Loaded with the first YAML body (kubectl sends JSON): an idle server does not hold it.
      return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, { maxAliasCount: 100 });
    } catch (err) {
      throw new BosunError('BadRequest', `error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (media === 'application/json' || media.endsWith('+json') || media === '*/*' || media === 'text/plain') return parseJson(text);
  throw new BosunError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}
