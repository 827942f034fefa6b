import { Type } from 'typebox';
import { closeSession, login, me, passwordLengthMax, passwordLengthMin, register, userView } from '../../accounts/users';
import type { Ctx } from '../../context';
import { statedLang } from '../../i18n/lang';
import { AppError } from '../../shared/errors';
import type { App } from '../app-type';
import { actorOf, everyone, signedIn, userOf } from '../access';
import { sessionCookie, setSessionCookie } from '../auth';
import { setPhone } from '../../accounts/phone';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: passwordLengthMin, maxLength: passwordLengthMax });

export function accountRoutes(app: App, ctx: Ctx): void {
  const secure = !ctx.config.sandbox;
  app.post('/api/auth/register', { config: { access: everyone }, 
    schema: {
      tags: ['accounts'], summary: 'Register a buyer or merchant account',
      body: Type.Object({ email: Email, password: Password, role: Type.Union([Type.Literal('buyer'), Type.Literal('merchant')]), displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })) }),
    },
  }, async (request, reply) => {
    const { user, session } = await register(ctx, { ...request.body, locale: statedLang(request.headers['accept-language']) });
    setSessionCookie(reply, session, secure);
    return reply.status(201).send({ token: session.token, csrfToken: session.csrfToken, user: userView(user) });
  });

  app.post('/api/auth/login', { config: { access: everyone }, 
    schema: { tags: ['accounts'], summary: 'Sign in; returns a bearer token and sets the session cookie', body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: passwordLengthMax }) }) },
  }, async (request, reply) => {
    try {
      const { user, session } = await login(ctx, { ...request.body, ip: request.ip, locale: statedLang(request.headers['accept-language']) });
      setSessionCookie(reply, session, secure);
      return { token: session.token, csrfToken: session.csrfToken, user: userView(user) };
    } catch (error) {
      const retryAfter = error instanceof AppError ? error.extra.details?.retryAfterSeconds : undefined;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      throw error;
    }
  });

  app.post('/api/auth/logout', { config: { access: everyone }, schema: { tags: ['accounts'], summary: 'Sign out this session' } }, async (request, reply) => {
    if (request.sessionToken) await closeSession(ctx, request.sessionToken);
    void reply.clearCookie(sessionCookie, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', { config: { access: signedIn }, schema: { tags: ['accounts'], summary: 'The signed-in user and wallet balance' } }, async (request) => {
    const actor = userOf(request);
    return { ...(await me(ctx, actor.userId)), csrfToken: request.csrfToken };
  });

  app.post('/api/me/phone', { config: { access: signedIn },
    schema: {
      tags: ['accounts'], summary: 'Set (or clear with null) your phone number for SMS notices of important events',
      body: Type.Object({ phone: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]) }),
    },
  }, async (request) => setPhone(ctx, userOf(request), request.body));
}
