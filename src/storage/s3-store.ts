import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';
import { invariant } from '../shared/errors';
import { blobKey, type EvidenceStore, EvidenceStoreUnavailableError, isSha256Hex } from './evidence-store';

/** Per request to the object store; a stuck store must not hold an upload open for minutes. */
export const s3RequestTimeoutMs = 30_000;
export const s3AttemptsMax = 3;

/** Evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 …), shared by every server. */
export class S3EvidenceStore implements EvidenceStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Without explicit keys the SDK's own chain applies (AWS_* variables, instance roles).
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      maxAttempts: s3AttemptsMax,
      requestHandler: { requestTimeout: s3RequestTimeoutMs, connectionTimeout: s3RequestTimeoutMs },
    });
  }

  async put(sha256: string, content: Buffer, mime: string): Promise<void> {
    const key = keyOf(sha256);
    try {
      // Content-addressed: an object already under this key holds these very bytes.
      if (await this.exists(key)) return;
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentType: mime, ContentLength: content.length }));
    } catch (error) {
      throw new EvidenceStoreUnavailableError(`the evidence bucket cannot be written (${describe(error)})`, { cause: error });
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    const key = keyOf(sha256);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) return null;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw new EvidenceStoreUnavailableError(`the evidence bucket cannot be read (${describe(error)})`, { cause: error });
    }
  }

  close(): void {
    this.client.destroy();
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

function keyOf(sha256: string): string {
  invariant(isSha256Hex(sha256), `evidence key is not a sha256: ${sha256}`);
  return blobKey(sha256);
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket');
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
