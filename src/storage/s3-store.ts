import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';
import { invariant } from '../shared/errors';
import { blobKey, type EvidenceStore, EvidenceStoreUnavailableError, isSha256Hex } from './evidence-store';

/** Per request to the object store; a stuck store must not hold an upload open for minutes. */
export const s3RequestTimeoutMs = 30_000;
export const s3AttemptsMax = 3;

/**
 * The AWS SDK (~10 MB of heap) is loaded on the first evidence read or write, not at start: most
 * servers store evidence on local disk and never load it, and one with a bucket loads it once.
 */
type Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<Sdk> | undefined;
let loadedSdk: Sdk | undefined;
const loadSdk = () => (sdkLoading ??= import('@aws-sdk/client-s3').then((sdk) => (loadedSdk = sdk)));

/** Evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 …), shared by every server. */
export class S3EvidenceStore implements EvidenceStore {
  private readonly bucket: string;
  private client?: S3Client;

  constructor(private readonly config: S3Config) {
    this.bucket = config.bucket;
  }

  /** The SDK and this store's client, made on first use. */
  private async sdk(): Promise<{ sdk: Sdk; client: S3Client }> {
    const sdk = await loadSdk();
    const config = this.config;
    this.client ??= new sdk.S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Without explicit keys the SDK's own chain applies (AWS_* variables, instance roles).
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      maxAttempts: s3AttemptsMax,
      requestHandler: { requestTimeout: s3RequestTimeoutMs, connectionTimeout: s3RequestTimeoutMs },
    });
    return { sdk, client: this.client };
  }

  async put(sha256: string, content: Buffer, mime: string): Promise<void> {
    const key = keyOf(sha256);
    try {
      // Content-addressed: an object already under this key holds these very bytes.
      if (await this.exists(key)) return;
      const { sdk, client } = await this.sdk();
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentType: mime, ContentLength: content.length }));
    } catch (error) {
      throw new EvidenceStoreUnavailableError(`the evidence bucket cannot be written (${describe(error)})`, { cause: error });
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    const key = keyOf(sha256);
    try {
      const { sdk, client } = await this.sdk();
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) return null;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw new EvidenceStoreUnavailableError(`the evidence bucket cannot be read (${describe(error)})`, { cause: error });
    }
  }

  close(): void {
    this.client?.destroy();
  }

  private async exists(key: string): Promise<boolean> {
    const { sdk, client } = await this.sdk();
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
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
  if (!loadedSdk || !(error instanceof loadedSdk.S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket');
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
