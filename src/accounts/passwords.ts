import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { Semaphore } from '../shared/semaphore';

/** argon2id with the library's defaults (19 MiB, 2 passes), OWASP's baseline. */
export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

/**
 * One verification keeps a core busy for ≈ 50 ms and holds 19 MiB: two at a time leave the event
 * loop and the database room on a small server, and a burst waits in line instead of burning CPU.
 */
export const passwordVerificationsConcurrentMax = 2;
export const passwordVerificationWaitMsMax = 1_000;
export const passwordVerificationsWaitingMax = 32;

/**
 * Sign-in password checks for one app instance: at most a few argon2 verifications at once, and an
 * account that does not exist is checked against a dummy hash made at start-up with the same
 * parameters, so an unknown email costs what a known one does.
 */
export class PasswordVerifier {
  /** argon2 verifications run so far, dummy ones included (tests and metrics read these). */
  verifications = 0;
  dummyVerifications = 0;
  private readonly slots = new Semaphore(passwordVerificationsConcurrentMax, passwordVerificationsWaitingMax);

  private constructor(private readonly dummyHash: string, private readonly waitMsMax: number) {}

  /** `waitMsMax`: how long a sign-in waits in line for a slot (tests pass a long wait to count capacity, not speed). */
  static async create(waitMsMax = passwordVerificationWaitMsMax): Promise<PasswordVerifier> {
    return new PasswordVerifier(await hashPassword(randomBytes(24).toString('base64url')), waitMsMax);
  }

  /**
   * Checks a password against a stored hash, or against the dummy hash when there is none (always
   * false). Answers 'busy' when no verification slot freed up in time.
   */
  async verify(passwordHash: string | null, password: string): Promise<boolean | 'busy'> {
    const release = await this.slots.acquire(this.waitMsMax);
    if (!release) return 'busy';
    try {
      this.verifications += 1;
      if (passwordHash === null) {
        this.dummyVerifications += 1;
        await verifyPassword(this.dummyHash, password);
        return false;
      }
      return await verifyPassword(passwordHash, password);
    } finally {
      release();
    }
  }
}
