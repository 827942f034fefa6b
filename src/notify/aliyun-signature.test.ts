import { describe, expect, it } from 'vitest';
import { aliyunTimestamp, canonicalQuery, percentEncode, signRpcRequest } from './aliyun-signature';

describe('Aliyun RPC signature (dysmsapi SendSms)', () => {
  it('reproduces the worked example of Aliyun\'s SMS "HTTP protocol and signature" document', () => {
    // The documented example: AccessKeyId testId, AccessKeySecret testSecret, signature zJDF+Lrzhj/ThnlvIToysFRq6t4=.
    const params = {
      AccessKeyId: 'testId', Action: 'SendSms', Format: 'XML', OutId: '123', PhoneNumbers: '15300000001', RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用', SignatureMethod: 'HMAC-SHA1', SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466', SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007', TemplateParam: '{"customer":"test"}', Timestamp: '2017-07-12T02:42:19Z', Version: '2017-05-25',
    };
    expect(signRpcRequest(params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    expect(percentEncode(signRpcRequest(params, 'testSecret'))).toBe('zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D');
  });

  it('encodes as RFC 3986 wants: space %20, star %2A, tilde kept, and leaves Signature out of the canonical query', () => {
    expect(percentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(canonicalQuery({ b: '2', a: '1', Signature: 'x' })).toBe('a=1&b=2');
    expect(signRpcRequest({ A: '1' }, 's')).not.toBe(signRpcRequest({ A: '2' }, 's'));
    expect(aliyunTimestamp(new Date('2017-07-12T02:42:19.123Z'))).toBe('2017-07-12T02:42:19Z');
  });
});
