import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../context';
import { listChannels } from '../../payments/payments';
import { receiveNotification } from '../../payments/notify';
import type { ProviderAnswer } from '../../payments/channels/types';
import type { App } from '../app-type';
import { everyone } from '../access';

const NotifyParams = Type.Object({ channel: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z]+$' }) });

/** Plain values of a header set (repeated headers count as unsigned: a signature header must be one value). */
function plainHeaders(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) out[name] = typeof value === 'string' ? value : undefined;
  return out;
}

function sendAnswer(reply: FastifyReply, answer: ProviderAnswer) {
  return reply.status(answer.status).type(answer.contentType).send(answer.body);
}

/** Payment channels on offer, and the providers' notifications. */
export async function paymentRoutes(app: App, ctx: Ctx): Promise<void> {
  app.get('/api/payments/channels', { config: { access: everyone }, schema: { tags: ['payments'], summary: 'The payment channels on offer now (sandbox mode: all, simulated; production: the configured ones)' } },
    async () => listChannels(ctx));

  // Signatures cover the exact bytes the provider sent, so this route keeps its body as raw text:
  // its own content-type parsers, in a child context, leave the rest of the API untouched.
  await app.register(async (notify) => {
    notify.removeAllContentTypeParsers();
    notify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const handler = async (request: FastifyRequest<{ Params: { channel: string } }>, reply: FastifyReply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const query: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(request.url.split('?')[1] ?? '')) query[name] = value;
      return sendAnswer(reply, await receiveNotification(ctx, request.params.channel, { body, query, headers: plainHeaders(request) }));
    };
    const schema = (method: string) => ({
      tags: ['payments'], params: NotifyParams,
      summary: `支付回调 (${method}): a provider's signed notification (alipay, wechat, unionpay: POST; epay: GET or POST). Unsigned, wrongly signed, unknown or mismatched notifications change nothing and get a 4xx failure answer`,
    });
    notify.post('/api/payments/notify/:channel', { config: { access: everyone }, schema: schema('POST') }, handler);
    notify.get('/api/payments/notify/:channel', { config: { access: everyone }, schema: schema('GET') }, handler);
  });
}
