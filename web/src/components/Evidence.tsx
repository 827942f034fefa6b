import { useId, useState, type ChangeEvent } from 'react';
import { upload } from '../lib/api';
import { useAction } from '../lib/hooks';
import { labelOf, useI18n } from '../lib/i18n';
import type { CaseView, EvidenceKind, UploadedEvidence } from '../lib/types';
import { ErrorNote } from './feedback';

export type PickedEvidence = UploadedEvidence & { name: string };

const accept = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,video/mp4,text/plain';
const sizeMax = 10 * 1024 * 1024;

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One labelled file picker: the file uploads as soon as it is chosen (type checked by the server, by content). */
export function EvidenceUpload({ kind, label, onUploaded }: { kind?: EvidenceKind; label: string; onUploaded(file: PickedEvidence): void }) {
  const { t } = useI18n();
  const id = useId();
  const [tooBig, setTooBig] = useState(false);
  const send = useAction(async (file: File) => {
    const form = new FormData();
    if (kind) form.append('kind', kind); // fields before the file, so the server sees the kind with it
    form.append('file', file, file.name);
    const uploaded = await upload<UploadedEvidence>('/api/evidence', form);
    onUploaded({ ...uploaded, kind: uploaded.kind ?? kind ?? null, name: file.name });
  });
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ''; // choosing the same file again still uploads
    if (!file) return;
    setTooBig(file.size > sizeMax);
    if (file.size <= sizeMax) void send.run(file);
  };
  return (
    <div className="field upload">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="file" accept={accept} onChange={choose} disabled={send.pending} aria-describedby={`${id}-hint`} />
      <p className="field-hint" id={`${id}-hint`}>{send.pending ? t('evidence.uploading') : t('evidence.hint')}</p>
      {tooBig && <p className="field-problem" role="alert">{t('evidence.tooBig')}</p>}
      <ErrorNote error={send.error} />
    </div>
  );
}

/** Files uploaded in this form, not yet sent with it; each can be taken off again. */
export function PickedList({ files, onRemove }: { files: PickedEvidence[]; onRemove(id: string): void }) {
  const { t } = useI18n();
  if (files.length === 0) return null;
  return (
    <ul className="picked" aria-label={t('evidence.picked')}>
      {files.map((file) => (
        <li key={file.id} className="picked-item">
          {file.mime.startsWith('image/') && <img src={`/api/evidence/${file.id}`} alt="" className="thumb-small" />}
          <span className="picked-name">{file.name}</span>
          <span className="muted">{file.kind ? labelOf(t, 'evidence.kindShort.', file.kind) : ''} · {formatSize(file.size)}</span>
          <button type="button" className="button button-ghost button-small" onClick={() => onRemove(file.id)} aria-label={`${t('evidence.remove')} ${file.name}`}>{t('evidence.remove')}</button>
        </li>
      ))}
    </ul>
  );
}

/** Uploads for a form, with a picker per kind (or one picker without a kind). */
export function EvidenceField({ files, setFiles, kinds, label }: { files: PickedEvidence[]; setFiles(next: PickedEvidence[]): void; kinds?: EvidenceKind[]; label?: string }) {
  const { t } = useI18n();
  const add = (file: PickedEvidence) => setFiles([...files.filter((f) => f.id !== file.id), file]);
  return (
    <div className="evidence-field">
      {kinds
        ? kinds.map((kind) => <EvidenceUpload key={kind} kind={kind} label={t('evidence.uploadKind', { kind: labelOf(t, 'evidence.kindShort.', kind) })} onUploaded={add} />)
        : <EvidenceUpload label={label ?? t('evidence.upload')} onUploaded={add} />}
      <PickedList files={files} onRemove={(id) => setFiles(files.filter((f) => f.id !== id))} />
    </div>
  );
}

/** Evidence on a case: image thumbnails (open full size), other files as links. */
export function EvidenceGallery({ evidence }: { evidence: CaseView['evidence'] }) {
  const { t } = useI18n();
  if (evidence.length === 0) return <p className="muted">{t('case.noEvidence')}</p>;
  return (
    <ul className="gallery">
      {evidence.map((e) => {
        const name = e.name ?? e.id.slice(0, 8);
        return (
          <li key={e.id} className="gallery-item">
            <a href={`/api/evidence/${e.id}`} target="_blank" rel="noopener noreferrer" aria-label={`${t('evidence.open')} ${name}`}>
              {e.mime.startsWith('image/') ? <img src={`/api/evidence/${e.id}`} alt={name} className="thumb" loading="lazy" /> : <span className="thumb thumb-file" aria-hidden="true">{e.mime.split('/')[1]?.toUpperCase()}</span>}
            </a>
            <span className="gallery-caption">
              <strong>{labelOf(t, 'case.party.', e.party)}</strong>{e.kind ? ` · ${labelOf(t, 'evidence.kindShort.', e.kind)}` : ''}
              <br /><span className="muted">{name} · {formatSize(e.size)}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
