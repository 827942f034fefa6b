import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { invariant } from '../shared/errors';
import { blobKey, type EvidenceStore, EvidenceStoreUnavailableError, isSha256Hex } from './evidence-store';

/** Evidence on this server's disk under the data dir: right for one server, wrong for several. */
export class LocalDiskEvidenceStore implements EvidenceStore {
  constructor(private readonly rootDir: string) {}

  private pathOf(sha256: string): string {
    invariant(isSha256Hex(sha256), `evidence key is not a sha256: ${sha256}`);
    return path.join(this.rootDir, ...blobKey(sha256).split('/'));
  }

  async put(sha256: string, content: Buffer): Promise<void> {
    const target = this.pathOf(sha256);
    try {
      if (await exists(target)) return;
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomUUID()}.tmp`;
      await writeFile(temp, content);
      await rename(temp, target); // atomic: a reader never sees half a file
    } catch (error) {
      throw new EvidenceStoreUnavailableError('the evidence directory cannot be written', { cause: error });
    }
  }

  async get(sha256: string): Promise<Buffer | null> {
    const target = this.pathOf(sha256);
    try {
      return await readFile(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new EvidenceStoreUnavailableError('the evidence directory cannot be read', { cause: error });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
