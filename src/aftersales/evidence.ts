import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { requireRole } from '../catalog/shops';
import { chatShowsEvidenceTo } from '../chat/conversation';
import type { Actor, Ctx } from '../context';
import { isStaff } from '../context';
import type { Tx } from '../db/connect';
import { AppError, badRequest, notFound } from '../shared/errors';
import { EvidenceStoreUnavailableError } from '../storage/evidence-store';
import type { EvidenceKind } from './completeness';

export const evidenceSizeBytesMax = 10 * 1024 * 1024;
/** Decoding allocates about 4 bytes a pixel: 50 MP is ~200 MB in a viewer, and far beyond any phone photo. */
export const evidenceImagePixelsMax = 50_000_000;
/** Generous on one side for 长截图 (long scrolling chat screenshots), which run to tens of thousands of pixels. */
export const evidenceImageSidePixelsMax = 32_768;
export const evidencePerCaseMax = 20;
export const evidenceKindsAllowed: EvidenceKind[] = ['transaction', 'problem', 'communication'];
const binaryTypesAllowed = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'video/mp4']);
const typesAllowedMessage = 'only images (PNG, JPEG, GIF, WebP), PDF, MP4 and plain text are accepted';
/** Markup a browser would render or run; such a file is never accepted as plain text. */
const markupPattern = /<\s*(?:script|html|svg|!doctype|\?xml|iframe|body|head|object|embed|meta|link|style|img|math|xsl)\b/i;
const claimByExtension: Record<string, string> = {
  png: 'image', jpg: 'image', jpeg: 'image', gif: 'image', webp: 'image', bmp: 'image', svg: 'image', heic: 'image', avif: 'image', tif: 'image', tiff: 'image',
  pdf: 'pdf', mp4: 'video', mov: 'video', m4v: 'video',
};

export const evidenceTooLarge = () => new AppError('EVIDENCE_TOO_LARGE', 413, `files may be at most ${evidenceSizeBytesMax} bytes`);

/** The type by content, never by name or declared type: known binary formats, else strict UTF-8 text without markup. */
export async function sniffType(content: Buffer): Promise<string | null> {
  const detected = await fileTypeFromBuffer(content);
  if (detected) return binaryTypesAllowed.has(detected.mime) ? detected.mime : null;
  if (content.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return null;
  }
  return markupPattern.test(text) ? null : 'text/plain';
}

const familyOf = (mime: string): string => (mime === 'application/pdf' ? 'pdf' : mime.split('/')[0]);

/** What the name or the declared type says the file is (image, pdf, video), when it says anything. */
function claimedFamilies(filename: string | undefined, declaredType: string | undefined): string[] {
  const claims: string[] = [];
  const extension = path.extname(filename ?? '').slice(1).toLowerCase();
  if (claimByExtension[extension]) claims.push(claimByExtension[extension]);
  const declared = familyOf((declaredType ?? '').split(';')[0].trim().toLowerCase());
  if (['image', 'pdf', 'video'].includes(declared)) claims.push(declared);
  return claims;
}

/**
 * The content decides the type; a name or declared type claiming an image, PDF or video must then
 * match it, so HTML named x.png is refused rather than kept as text. A JPEG named .png passes
 * (phones and chat apps often misname images) and is stored and served as what it really is.
 */
async function checkContent(file: { content: Buffer; filename?: string; declaredType?: string }): Promise<string> {
  const mime = await sniffType(file.content);
  if (!mime) throw badRequest('EVIDENCE_TYPE_NOT_ALLOWED', typesAllowedMessage);
  const mismatch = claimedFamilies(file.filename, file.declaredType).find((claim) => claim !== familyOf(mime));
  if (mismatch) {
    throw badRequest('EVIDENCE_TYPE_NOT_ALLOWED', `the file is named or declared as ${mismatch === 'image' ? 'an image' : `a ${mismatch === 'pdf' ? 'PDF' : mismatch}`}, but its content is ${mime === 'text/plain' ? 'text' : mime}`, { detected: mime });
  }
  if (mime.startsWith('image/')) checkImageDimensions(file.content);
  return mime;
}

/** Dimensions from the header alone (PNG IHDR, JPEG SOF, GIF screen, WebP VP8/VP8L/VP8X), before anyone decodes it. */
function checkImageDimensions(content: Buffer): void {
  let size: { width: number; height: number };
  try {
    size = imageSize(content);
  } catch {
    throw badRequest('EVIDENCE_TYPE_NOT_ALLOWED', 'the image header cannot be read');
  }
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw badRequest('EVIDENCE_TYPE_NOT_ALLOWED', 'the image header gives no size');
  if (width * height > evidenceImagePixelsMax || width > evidenceImageSidePixelsMax || height > evidenceImageSidePixelsMax) {
    throw badRequest('EVIDENCE_IMAGE_TOO_LARGE', `images may have at most ${evidenceImagePixelsMax} pixels and ${evidenceImageSidePixelsMax} pixels a side; this one is ${width}×${height}`,
      { width, height, pixelsMax: evidenceImagePixelsMax, sidePixelsMax: evidenceImageSidePixelsMax });
  }
}

/** A storage fault is the operator's to fix: logged, and a 503 for the client rather than a 500. */
function storeFault(ctx: Ctx, what: string, fields: Record<string, unknown>): AppError {
  ctx.log.error(fields, `evidence store: ${what}`);
  return fields.err
    ? new AppError('EVIDENCE_STORE_UNAVAILABLE', 503, 'evidence storage is unavailable; try again later')
    : new AppError('EVIDENCE_FILE_UNAVAILABLE', 503, 'the stored file cannot be found in evidence storage; this has been logged');
}

/** 举证: checks an upload by its content and stores it by sha256 (identical files are kept once). */
export async function uploadEvidence(
  ctx: Ctx, actor: Actor, file: { content: Buffer; filename?: string; declaredType?: string; kind?: string },
) {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  if (file.content.length === 0) throw badRequest('EVIDENCE_EMPTY', 'the file is empty');
  if (file.content.length > evidenceSizeBytesMax) throw evidenceTooLarge();
  if (file.kind && !evidenceKindsAllowed.includes(file.kind as EvidenceKind)) throw badRequest('EVIDENCE_KIND_INVALID', `kind must be one of ${evidenceKindsAllowed.join(', ')}`);
  const mime = await checkContent(file);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  // The blob first: a row never points at a file that was not stored.
  await ctx.evidenceStore.put(sha256, file.content, mime).catch((error: unknown) => {
    if (error instanceof EvidenceStoreUnavailableError) throw storeFault(ctx, 'put failed', { err: error });
    throw error;
  });
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
  const content = await ctx.evidenceStore.get(row.sha256).catch((error: unknown) => {
    if (error instanceof EvidenceStoreUnavailableError) throw storeFault(ctx, 'get failed', { err: error, evidenceId });
    throw error;
  });
  // The row exists, so a missing or altered blob is a storage fault (e.g. servers that do not share storage), not a wrong id.
  if (!content) throw storeFault(ctx, 'blob missing', { evidenceId, sha256: row.sha256 });
  if (createHash('sha256').update(content).digest('hex') !== row.sha256) throw storeFault(ctx, 'blob does not match its sha256', { evidenceId, sha256: row.sha256 });
  return { content, mime: row.mime, name: row.original_name };
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
