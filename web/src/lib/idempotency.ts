import { useRef } from 'react';

/**
 * Idempotency-Keys for requests that move money (order, refund case, withdrawal, merchant answer,
 * staff decision). One logical request keeps one key until it succeeds: a retry after a lost
 * response, a timeout or a second click replays the first result on the server instead of acting
 * twice. The request's own content picks the key, so changing the form is a different request with
 * a new key, and changing it back finds the earlier, still unconfirmed key again.
 */

/** How many unconfirmed requests one form remembers keys for; the oldest is forgotten first. */
const unconfirmedKeysMax = 20;

/** A fresh key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class IdempotencyKeys {
  private readonly unconfirmed = new Map<string, string>();

  /** The key for this request: the one it had before if it never succeeded, else a new one. */
  keyFor(request: unknown): string {
    const fingerprint = JSON.stringify(request);
    let key = this.unconfirmed.get(fingerprint);
    if (!key) {
      key = newIdempotencyKey();
      this.unconfirmed.set(fingerprint, key);
      if (this.unconfirmed.size > unconfirmedKeysMax) this.unconfirmed.delete(this.unconfirmed.keys().next().value!);
    }
    return key;
  }

  /** The request succeeded: sending the same content again is a new, deliberate request. */
  succeeded(request: unknown): void {
    this.unconfirmed.delete(JSON.stringify(request));
  }
}

/** The keys of one form; they live as long as the form is on screen. */
export function useIdempotencyKeys(): IdempotencyKeys {
  const keys = useRef<IdempotencyKeys | null>(null);
  keys.current ??= new IdempotencyKeys();
  return keys.current;
}
