import { createKameng } from './app';
import { exitOnStartupError } from './config';
import { demoAccounts, demoPassword, seedDemo } from './seed/demo';

/** `npm start`: migrate, seed the demo (sandbox), serve API + web, run the scheduler. */
const kameng = await createKameng().catch(exitOnStartupError);
const { ctx, server } = kameng;
if (ctx.config.sandbox) {
  const seeded = await seedDemo(ctx);
  if (seeded) ctx.log.info('seeded the demo marketplace');
}
await server.listen({ port: ctx.config.port, host: ctx.config.host });
const url = `http://localhost:${(server.server.address() as { port: number }).port}`;
const lines = [
  '',
  `  Kameng 卡盟 is running at ${url}  (${ctx.engine}${ctx.engine === 'pglite' ? `, data in ${ctx.config.dataDir}` : ''}, ${ctx.config.sandbox ? 'sandbox' : 'production'} mode)`,
  `  API description: ${url}/api/openapi.json`,
];
if (ctx.config.sandbox) {
  lines.push('  Demo accounts (password for all: ' + demoPassword + '):');
  for (const [role, email] of Object.entries(demoAccounts)) lines.push(`    ${role.padEnd(9)} ${email}`);
}
console.log(lines.join('\n') + '\n');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    kameng.close().then(() => process.exit(0), () => process.exit(1));
  });
}
