import { AjvCompiler } from '@fastify/ajv-compiler';

type Validate = ((data: unknown, context?: unknown) => boolean) & { errors?: unknown; schemaEnv?: unknown };
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string };

/**
 * Fastify's own validator factory (@fastify/ajv-compiler, the same Ajv options and shared schemas),
 * except that a route's request validators are compiled on the route's first request instead of
 * all at start-up: compiling every route's schemas cost ≈0.3 s of CPU at each start (and in every
 * test file's app) for routes a process may never serve. A validator compiles once, in ≈1 ms.
 */
export function lazyValidators(): ReturnType<typeof AjvCompiler> {
  const build = AjvCompiler();
  const factory = (externalSchemas: unknown, options: unknown) => {
    const compile = (build as unknown as (e: unknown, o: unknown) => (definition: RouteSchema) => Validate)(externalSchemas, options);
    return (definition: RouteSchema): Validate => {
      let compiled: Validate | undefined;
      const validate: Validate = (data, context) => (compiled ??= compile(definition))(data, context);
      // Fastify reads `errors` after a failed call, and passes the parent object (for type
      // coercion of a whole request part) only to Ajv functions, which it tells by `schemaEnv`.
      Object.defineProperty(validate, 'errors', { get: () => compiled?.errors });
      validate.schemaEnv = true;
      return validate;
    };
  };
  return factory as unknown as ReturnType<typeof AjvCompiler>;
}
