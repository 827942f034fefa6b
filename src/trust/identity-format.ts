import type { IdentityKind } from '../db/schema';

/** 居民身份证号: 17 digits and a digit or X. */
const residentIdPattern = /^\d{17}[\dX]$/;
/** 统一社会信用代码 (18 characters) or an older 15-digit registration number. */
const licencePattern = /^([0-9A-HJ-NPQRTUWXY]{18}|\d{15})$/;
/** A mainland mobile (11 digits from 1) or another number with an optional + and 6–20 digits. */
const phonePattern = /^(1\d{10}|\+?\d{6,20})$/;

/** Why a submission's number or phone cannot be right, or null. Pure. */
export function identityProblem(kind: IdentityKind, number: string, phone: string): { code: string; message: string } | null {
  if (kind === 'real_name' && !residentIdPattern.test(number)) {
    return { code: 'IDENTITY_NUMBER_INVALID', message: 'a resident ID number has 18 characters: 17 digits and a digit or X' };
  }
  if (kind === 'business_licence' && !licencePattern.test(number)) {
    return { code: 'IDENTITY_NUMBER_INVALID', message: 'a business licence number is the 18-character unified social credit code' };
  }
  if (!phonePattern.test(phone)) return { code: 'PHONE_INVALID', message: 'the contact phone needs 6–20 digits (an optional + in front)' };
  return null;
}

/** Keeps the first 3 and last 4 characters: 110***********123X. */
export const maskIdentityNumber = (number: string): string =>
  number.length <= 7 ? '*'.repeat(number.length) : `${number.slice(0, 3)}${'*'.repeat(number.length - 7)}${number.slice(-4)}`;

/** Keeps the first 3 and last 4 digits: 138****5678. */
export const maskPhone = (phone: string): string =>
  phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
