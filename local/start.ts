import { ConfigError } from '../src/config.js';
import { startLocalStack } from './stack.js';

/** `npm start`: the product on 127.0.0.1 with its embedded local stack; Ctrl-C stops it cleanly. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 7071);
  const stack = await startLocalStack({
    port,
    deliveryReportDelayMs: 1000,
    log: (line) => {
      console.log(line);
    },
  });
  const demo = stack.demo;
  console.log(`
Waitlist is running on ${stack.baseUrl}
  Host stand     ${stack.baseUrl}/ (the staff web app: open it and sign in with the demo account below)
  API            ${stack.apiUrl}/v1/...
  OpenAPI        ${stack.apiUrl}/openapi.json
  OpenID config  ${stack.apiUrl}/.well-known/openid-configuration
  SMS outbox     ${stack.baseUrl}/dev/sms (texts the app sent, as JSON)
  Cosmos DB      ${stack.cosmos.endpoint} (embedded, in memory: data is gone when this stops)
  Service Bus    ${stack.serviceBus.connectionString.split(';')[0] ?? ''} (emulator)
  ACS SMS        ${stack.sms.endpoint} (emulator; delivery reports reach ${stack.baseUrl}/runtime/webhooks/eventgrid after 1 s)
  Blob storage   ${stack.blob.endpoint} (Azurite, in memory; its https certificate is made for this run: open the
                 address once in the browser and accept it, so the host stand can upload and show pictures)
${
  demo === null
    ? ''
    : `
Demo data
  owner          ${demo.ownerEmail} / ${demo.ownerPassword}
  restaurant     ${demo.restaurantId}
  waitlist       ${demo.waitlistId}
`
}
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping…`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
    console.error(`Port ${process.env.PORT ?? 7071} is in use. Stop the other process or set PORT.`);
  else console.error(error);
  process.exit(1);
});
