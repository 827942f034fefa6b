import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { requireRole } from '../catalog/shops';
import { chatShowsEvidenceTo } from '../chat/conversation';
import type { Actor, Ctx } from '../context';
import { isStaff } from '../context';
import type { Tx } from '../db/connect';
import { AppError, badRequest, notFound } from '../shared/errors';
import type { EvidenceKind } from './completeness';

export const evidenceSizeBytesMax = 10 * 1024 * 1024;
export const evidencePerCaseMax = 20;
export const evidenceKindsAllowed: EvidenceKind[] = ['transaction', 'problem', 'communication'];
const binaryTypesAllowed = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'video/mp4']);

/** The type by content, never by name or declared type: known binary formats, else strict UTF-8 text. */
export async function sniffType(content: Buffer): Promise<string | null> {
  const detected = await fileTypeFromBuffer(content);
  if (detected) return binaryTypesAllowed.has(detected.mime) ? detected.mime : null;
  if (content.includes(0)) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return 'text/plain';
  } catch {
    return null;
  }
}

const storePath = (ctx: Ctx, sha256: string) => path.join(ctx.config.dataDir, 'evidence', sha256.slice(0, 2), sha256);

/** 举证: stores an upload by its sha256 under the data dir (identical files are kept once). */
export async function uploadEvidence(
  ctx: Ctx, actor: Actor, file: { content: Buffer; filename?: string; kind?: string },
) {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  if (file.content.length === 0) throw badRequest('EVIDENCE_EMPTY', 'the file is empty');
  if (file.content.length > evidenceSizeBytesMax) throw new AppError('EVIDENCE_TOO_LARGE', 400, `files may be at most ${evidenceSizeBytesMax} bytes`);
  if (file.kind && !evidenceKindsAllowed.includes(file.kind as EvidenceKind)) throw badRequest('EVIDENCE_KIND_INVALID', `kind must be one of ${evidenceKindsAllowed.join(', ')}`);
  const mime = await sniffType(file.content);
  if (!mime) throw badRequest('EVIDENCE_TYPE_NOT_ALLOWED', 'only images (PNG, JPEG, GIF, WebP), PDF, MP4 and plain text are accepted');
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const target = storePath(ctx, sha256);
  if (!existsSync(target)) {
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await writeFile(temp, file.content);
    await rename(temp, target); // atomic: a reader never sees half a file
  }
  const row = await ctx.db.insertInto('evidence').values({
    id: randomUUID(), uploader_id: actor.userId, sha256, mime, size: file.content.length, kind: file.kind ?? null,
    original_name: file.filename?.slice(0, 200) ?? null, created_at: ctx.clock.now(),
  }).returningAll().executeTakeFirstOrThrow();
  return { id: row.id, sha256, mime, size: row.size, kind: row.kind };
}

/** The file, for its uploader, for the parties and staff of a case that cites it, and for the parties of a chat it was sent in. */
export async function readEvidence(ctx: Ctx, actor: Actor, evidenceId: string): Promise<{ content: Buffer; mime: string; name: string | null }> {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  const row = await ctx.db.selectFrom('evidence').selectAll().where('id', '=', evidenceId).executeTakeFirst();
  if (!row) throw notFound('evidence');
  if (row.uploader_id !== actor.userId && !isStaff(actor)) {
    const visible = await ctx.db.selectFrom('case_evidence')
      .innerJoin('refund_cases', 'refund_cases.id', 'case_evidence.case_id')
      .innerJoin('shops', 'shops.id', 'refund_cases.shop_id')
      .select('case_evidence.case_id')
      .where('case_evidence.evidence_id', '=', evidenceId)
      .where((eb) => eb.or([eb('refund_cases.buyer_id', '=', actor.userId), eb('shops.owner_id', '=', actor.userId)]))
      .executeTakeFirst();
    if (!visible && !(await chatShowsEvidenceTo(ctx.db, actor.userId, evidenceId))) throw notFound('evidence');
  }
  return { content: await readFile(storePath(ctx, row.sha256)), mime: row.mime, name: row.original_name };
}

/** Kinds of proof the actor's own uploads cover (untagged uploads count as 问题证明). */
export async function evidenceKinds(tx: Tx, actor: Actor, evidenceIds: string[]): Promise<EvidenceKind[]> {
  if (evidenceIds.length === 0) return [];
  const rows = await ownEvidence(tx, actor, evidenceIds);
  return [...new Set(rows.map((r) => (r.kind as EvidenceKind | null) ?? 'problem'))];
}

/** The actor's own uploads among `evidenceIds` (a 404 when any is someone else's or missing). */
export async function ownEvidence(tx: Tx, actor: Actor, evidenceIds: string[]) {
  if (evidenceIds.length > evidencePerCaseMax) throw badRequest('TOO_MANY_EVIDENCE', `at most ${evidencePerCaseMax} files per submission`);
  if (!actor || actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', 401, 'sign in to attach evidence');
  const rows = await tx.selectFrom('evidence').select(['id', 'kind']).where('id', 'in', evidenceIds).where('uploader_id', '=', actor.userId).execute();
  if (rows.length !== new Set(evidenceIds).size) throw notFound('evidence');
  return rows;
}

/** Attaches the actor's own uploads to a case; returns how many were new to the case. */
export async function attachEvidence(tx: Tx, actor: Actor, caseId: string, evidenceIds: string[], party: 'buyer' | 'merchant' | 'staff', now: Date): Promise<number> {
  if (evidenceIds.length === 0) return 0;
  await ownEvidence(tx, actor, evidenceIds);
  const inserted = await tx.insertInto('case_evidence')
    .values([...new Set(evidenceIds)].map((id) => ({ case_id: caseId, evidence_id: id, party, attached_at: now })))
    .onConflict((oc) => oc.columns(['case_id', 'evidence_id']).doNothing()).returning('evidence_id').execute();
  return inserted.length;
}
