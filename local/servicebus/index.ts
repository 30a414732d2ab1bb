export { startServiceBusEmulator } from './server.js';
export type { MessageSnapshot, QueueOptions, QueueStats, ServiceBusEmulator, ServiceBusEmulatorOptions, SubQueue } from './server.js';
