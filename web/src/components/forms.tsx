import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrame {
  label: ReactNode;
  hint?: ReactNode;
  /** A problem found before sending; shown under the field and announced. */
  problem?: string | null;
}

function Frame({ id, label, hint, problem, children }: FieldFrame & { id: string; children: ReactNode }) {
  return (
    <div className={`field${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="field-hint" id={`${id}-hint`}>{hint}</p>}
      {problem && <p className="field-problem" id={`${id}-problem`} role="alert">{problem}</p>}
    </div>
  );
}

function describedBy(id: string, frame: FieldFrame): string | undefined {
  const ids = [frame.hint ? `${id}-hint` : '', frame.problem ? `${id}-problem` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function TextField({ label, hint, problem, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <Frame id={id} label={label} hint={hint} problem={problem}>
      <input id={id} aria-invalid={problem ? true : undefined} aria-describedby={describedBy(id, { label, hint, problem })} {...input} />
    </Frame>
  );
}

export function TextArea({ label, hint, problem, ...input }: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <Frame id={id} label={label} hint={hint} problem={problem}>
      <textarea id={id} aria-invalid={problem ? true : undefined} aria-describedby={describedBy(id, { label, hint, problem })} {...input} />
    </Frame>
  );
}

export function SelectField({ label, hint, problem, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <Frame id={id} label={label} hint={hint} problem={problem}>
      <select id={id} aria-describedby={describedBy(id, { label, hint, problem })} {...select}>{children}</select>
    </Frame>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { pending?: boolean; pendingLabel?: ReactNode; variant?: 'primary' | 'secondary' | 'danger' };

/** A button that says it is working and cannot be pressed twice meanwhile. */
export function Button({ pending, pendingLabel, variant = 'primary', className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={`button button-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending && <span className="spinner" aria-hidden="true" />}
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
