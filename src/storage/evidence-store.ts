import type { Config } from '../config';
import { LocalDiskEvidenceStore } from './local-disk-store';
import { S3EvidenceStore } from './s3-store';

/**
 * Where evidence files live, addressed by the sha256 of their content. `put` is idempotent (the
 * same content always has the same key); `get` answers null when the blob is not there.
 */
export interface EvidenceStore {
  put(sha256: string, content: Buffer, mime: string): Promise<void>;
  get(sha256: string): Promise<Buffer | null>;
  /** Frees connections; the process calls it on shutdown. */
  close?(): void;
}

/** The store cannot be reached or failed: callers turn this into a 503, never a 500. */
export class EvidenceStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvidenceStoreUnavailableError';
  }
}

export const isSha256Hex = (value: string): boolean => /^[0-9a-f]{64}$/.test(value);

/** Two hex characters of fan-out keep any one directory (or listing prefix) small. */
export const blobKey = (sha256: string): string => `evidence/${sha256.slice(0, 2)}/${sha256}`;

/** S3 when a bucket is configured (shared by every server), otherwise the local data dir (one server only). */
export function createEvidenceStore(config: Config): EvidenceStore {
  if (config.evidenceS3) return new S3EvidenceStore(config.evidenceS3);
  return new LocalDiskEvidenceStore(config.dataDir);
}
