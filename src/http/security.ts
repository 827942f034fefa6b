import helmet from '@fastify/helmet';
import type { Ctx } from '../context';
import type { App } from './app-type';

/** How long browsers keep to HTTPS once they have seen the production site (one year). */
export const strictTransportSecuritySecondsMax = 365 * 24 * 60 * 60;

/**
 * Security headers on every response, API and web app alike. The CSP fits the built React app served
 * from this origin: its script and stylesheet are files under /assets (no inline script or style,
 * so no 'unsafe-inline'), the favicon is a data: URL, evidence images come from /api/evidence, and
 * blob: lets a picked file be previewed before it is uploaded.
 * HSTS and upgrade-insecure-requests only in production: the sandbox runs on plain http://localhost.
 */
export async function registerSecurityHeaders(app: App, ctx: Ctx): Promise<void> {
  const production = !ctx.config.sandbox;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: production ? { maxAge: strictTransportSecuritySecondsMax, includeSubDomains: true } : false,
  });
}
