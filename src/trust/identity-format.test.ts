import { describe, expect, it } from 'vitest';
import { defaultRules, sandboxRuleValues } from '../rules/defaults';
import { identityProblem, maskIdentityNumber, maskPhone } from './identity-format';

describe('identity numbers and phones', () => {
  it.each([
    ['real_name', '11010519491231002X', '13800138000', null],
    ['real_name', '1101051949123100', '13800138000', 'IDENTITY_NUMBER_INVALID'],
    ['business_licence', '91310000MA1FL1234X', '+85291234567', null],
    ['business_licence', '91310000MA1FL1234', '13800138000', 'IDENTITY_NUMBER_INVALID'],
    ['business_licence', '91310000MA1FL1234X', '12', 'PHONE_INVALID'],
  ] as const)('%s %s %s → %s', (kind, number, phone, code) => {
    expect(identityProblem(kind, number, phone)?.code ?? null).toBe(code);
  });

  it('masks all but the first 3 and last 4 characters', () => {
    expect(maskIdentityNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('123456')).toBe('******');
  });

  it('requires an approved identity to list in production, not in the sandbox demo', () => {
    expect(defaultRules['trust.identity-required-to-list'].value).toBe(true);
    expect(sandboxRuleValues['trust.identity-required-to-list']).toBe(false);
  });
});
