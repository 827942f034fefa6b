import { describe, expect, it } from 'vitest';
import { schemaProblemMessage } from './validation-messages';

describe('schemaProblemMessage', () => {
  it('names the field and what it must be, in both languages', () => {
    const uuid = [{ instancePath: '/id', keyword: 'format', params: { format: 'uuid' }, message: 'must match format "uuid"' }];
    expect(schemaProblemMessage('zh', uuid, 'params')).toBe('id 格式不正确，应为编号（UUID）。');
    expect(schemaProblemMessage('en', uuid, 'params')).toBe('id must be an id (UUID)');
    const min = [{ instancePath: '/items/0/quantity', keyword: 'minimum', params: { comparison: '>=', limit: 1 } }];
    expect(schemaProblemMessage('zh', min)).toBe('items[0].quantity 不能小于 1。');
    expect(schemaProblemMessage('en', min)).toBe('items[0].quantity must be at least 1');
    const required = [{ instancePath: '', keyword: 'required', params: { missingProperty: 'email' } }];
    expect(schemaProblemMessage('zh', required, 'body')).toBe('缺少必填项 email。');
    expect(schemaProblemMessage('en', required, 'body')).toBe('email is required');
    const whole = [{ instancePath: '', keyword: 'type', params: { type: 'object' } }];
    expect(schemaProblemMessage('zh', whole, 'body')).toBe('提交内容 应为对象。');
  });

  it('never shows JSON pointers or ajv keywords to a Chinese reader', () => {
    for (const keyword of ['required', 'type', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'enum', 'additionalProperties', 'pattern', 'anyOf', 'somethingNew']) {
      const text = schemaProblemMessage('zh', [{ instancePath: '/a/b', keyword, params: { limit: 2, type: 'integer', format: 'email', allowedValues: ['x'] }, message: 'must be whatever' }]);
      expect(text).not.toMatch(/must|\/a\/b|instancePath/);
    }
  });
});
