import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../context';
import { buildEvidencePackage } from '../../timeline/evidence-package';
import { evidencePackageCsp, renderEvidencePackageHtml, type PackageLang } from '../../timeline/evidence-package-html';
import type { App } from '../app-type';
import { actorOf, orderParties } from '../access';
import { IdParams } from '../schemas';

const languageOf = (request: FastifyRequest, asked: PackageLang | undefined): PackageLang =>
  asked ?? (/^\s*en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'zh');

export function evidencePackageRoutes(app: App, ctx: Ctx): void {
  app.get('/api/orders/:id/evidence-package', {
    config: { access: orderParties },
    schema: {
      tags: ['orders'], summary: '证据包: order, verified timeline, cases, chat and evidence hashes with one hash over the whole; format=html for a printable page',
      params: IdParams,
      querystring: Type.Object({
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])),
        lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
      }),
    },
  }, async (request, reply) => {
    const pkg = await buildEvidencePackage(ctx, actorOf(request), request.params.id);
    if (request.query.format !== 'html') return pkg;
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', evidencePackageCsp)
      .header('cache-control', 'no-store').send(renderEvidencePackageHtml(pkg, languageOf(request, request.query.lang)));
  });
}
