import { randomUUID } from 'node:crypto';
import azureFunctions, { type InvocationContext as Context } from '@azure/functions';

// @azure/functions is CommonJS and its classes are not visible to Node's named-export detection.
export const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

/** How the local hosts print an error: the stack when there is one. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The context the Functions host gives an invocation; its log lines go to the local host's log. */
export function invocationContext(options: {
  readonly functionName: string;
  readonly log: (line: string) => void;
  readonly invocationId?: string;
  readonly triggerMetadata?: Record<string, unknown>;
}): Context {
  return new InvocationContext({
    invocationId: options.invocationId ?? randomUUID(),
    functionName: options.functionName,
    ...(options.triggerMetadata === undefined ? {} : { triggerMetadata: options.triggerMetadata }),
    logHandler: (level, ...args) => {
      options.log(`[${options.functionName}] ${level}: ${args.map(describeError).join(' ')}`);
    },
  });
}
