import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { lazyValidators } from './lazy-validators';

describe('lazy request validators', () => {
  const app = () => {
    const server = Fastify({
      ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, allowUnionTypes: true } },
      schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    });
    server.get('/items', { schema: { querystring: Type.Object({ n: Type.Integer({ minimum: 1 }), tag: Type.Optional(Type.Array(Type.String())) }) } },
      async (request) => request.query);
    server.post('/items', { schema: { body: Type.Object({ name: Type.String({ minLength: 2 }) }) } }, async (request) => request.body);
    return server;
  };

  it('coerce and answer like compiled ones: numbers from the query string, a lone value into an array', async () => {
    const server = app();
    const answer = await server.inject({ method: 'GET', url: '/items?n=5&tag=a' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ n: 5, tag: ['a'] });
    await server.close();
  });

  it('refuse what the schema refuses, with the error that says why, on first and later requests', async () => {
    const server = app();
    for (let i = 0; i < 2; i++) {
      const bad = await server.inject({ method: 'POST', url: '/items', payload: { name: 'x' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/must NOT have fewer than 2 characters/);
    }
    expect((await server.inject({ method: 'GET', url: '/items?n=0' })).statusCode).toBe(400);
    expect((await server.inject({ method: 'POST', url: '/items', payload: { name: 'ok' } })).json()).toEqual({ name: 'ok' });
    await server.close();
  });
});
