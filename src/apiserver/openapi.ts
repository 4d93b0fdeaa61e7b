/**
 * OpenAPI v3 as served: the API layer builds the documents (paths with the PATCH operations
 * kubectl inspects, component schemas for explain and patch metadata); this keeps their JSON text
 * and hash so every request after the first is a plain write.
 */
import { openapiV3, openapiV3Hash, openapiV3Index } from '../api/index.js';

export interface OpenApiDoc {
  json: string;
  hash: string;
}

export class OpenApiCache {
  private indexJson?: string;
  private readonly docs = new Map<string, OpenApiDoc | undefined>();

  index(): string {
    this.indexJson ??= JSON.stringify(openapiV3Index());
    return this.indexJson;
  }

  /** The document at /openapi/v3/<key> ("api/v1", "apis/apps/v1"). */
  doc(key: string): OpenApiDoc | undefined {
    if (!this.docs.has(key)) {
      const doc = openapiV3(key);
      this.docs.set(key, doc ? { json: JSON.stringify(doc), hash: openapiV3Hash(key)! } : undefined);
    }
    return this.docs.get(key);
  }
}
