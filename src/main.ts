import pino from 'pino';
import { createKameng } from './app';
import { exitOnStartupError, knownVariables, loadConfig, StartupError, unknownVariables } from './config';
import { demoAccounts, demoPassword, seedDemo } from './seed/demo';
import { closeOnSignals } from './shutdown';

/** `npm start` / `npm run start:prod`: migrate, seed the demo (sandbox), serve API + web, run the scheduler. */
const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    return exitOnStartupError(error);
  }
})();
const log = pino({ level: config.logLevel });
for (const name of unknownVariables()) log.warn(`unknown variable ${name} is ignored (a typo? known: ${knownVariables.join(', ')})`);

// A signal during start-up waits until the server is up, then closes it like any other.
let pendingSignal: string | undefined;
const early = (signal: NodeJS.Signals) => () => { pendingSignal = signal; };
const earlyListeners = (['SIGTERM', 'SIGINT'] as const).map((signal) => [signal, early(signal)] as const);
for (const [signal, listener] of earlyListeners) process.once(signal, listener);

const kameng = await createKameng({ config, logger: log }).catch(exitOnStartupError);
const { ctx, server } = kameng;
for (const [signal, listener] of earlyListeners) process.removeListener(signal, listener);
let stopping = false;
const shutdown = closeOnSignals({ close: () => { stopping = true; return kameng.close(); }, log, timeoutMs: config.shutdownTimeoutMs });
if (pendingSignal) shutdown(pendingSignal);
else await serve();

async function serve(): Promise<void> {
  if (ctx.config.sandbox) {
    const seeded = await seedDemo(ctx);
    if (seeded) ctx.log.info('seeded the demo marketplace');
  }
  if (stopping) return;
  try {
    await server.listen({ port: ctx.config.port, host: ctx.config.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    await kameng.close();
    const reason = code === 'EADDRINUSE' ? 'the port is in use (another server?)' : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : 'that address is not on this machine';
    exitOnStartupError(new StartupError(`cannot listen on ${ctx.config.host}:${ctx.config.port}: ${reason}; set PORT or HOST`));
  }
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
}
