import { Type } from 'typebox';
import { chatBodyLengthMax, chatEvidencePerMessageMax, chatPageSizeMax } from '../../chat/conversation';
import { listMessages } from '../../chat/read-messages';
import { sendMessage } from '../../chat/send-message';
import { langFromHeader } from '../../i18n/lang';
import { rewordSystemText } from '../../i18n/system-text';
import type { Ctx } from '../../context';
import type { App } from '../app-type';
import { actorOf, langOf, orderParties } from '../access';
import { IdParams, Uuid } from '../schemas';

export function chatRoutes(app: App, ctx: Ctx): void {
  app.post('/api/orders/:id/messages', { config: { access: orderParties },
    schema: {
      tags: ['chat'], params: IdParams,
      summary: "站内沟通: a message from the order's buyer (or guest token), the shop's side, or staff once a case is with the platform; off-platform payment or contact is delivered, flagged and warned about",
      body: Type.Object({
        body: Type.String({ minLength: 1, maxLength: chatBodyLengthMax }),
        evidenceIds: Type.Optional(Type.Array(Uuid, { maxItems: chatEvidencePerMessageMax, description: "the sender's own uploads (POST /api/evidence)" })),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await sendMessage(ctx, actorOf(request), request.params.id, request.body, langFromHeader(request.headers['accept-language']))));

  app.get('/api/orders/:id/messages', { config: { access: orderParties },
    schema: {
      tags: ['chat'], params: IdParams,
      summary: "The order's conversation, oldest first (the newest page; `before` pages back); opening it marks the other side's messages read",
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: chatPageSizeMax })), before: Type.Optional(Uuid) }),
    },
  }, async (request) => {
    const page = await listMessages(ctx, actorOf(request), request.params.id, request.query);
    const lang = langOf(request);
    // The platform's own notices in the reader's language; what people wrote stays as written.
    return { ...page, items: page.items.map((m) => (m.sender === 'system' ? { ...m, body: rewordSystemText(m.body, lang) } : m)) };
  });
}
