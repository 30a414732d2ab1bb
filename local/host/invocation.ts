import { randomUUID } from 'node:crypto';
import azureFunctions, { type InvocationContext as Context } from '@azure/functions';
import { logLine } from '../../src/functions/telemetry.js';

// @azure/functions is CommonJS and its classes are not visible to Node's named-export detection.
export const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

/** How the local hosts print an error: the stack when there is one. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * A function's log line as the local host's log gets it: the JSON object the function wrote
 * (src/functions/telemetry.ts, logLine) with the function's name, or anything else as its message,
 * with the active span's ids.
 */
function jsonLogLine(level: string, functionName: string, args: readonly unknown[]): string {
  const [only] = args;
  if (args.length === 1 && typeof only === 'string' && only.startsWith('{')) {
    try {
      const fields = JSON.parse(only) as Record<string, unknown>;
      return JSON.stringify({ ...fields, function: functionName });
    } catch {
      // Not one of the functions' JSON lines after all: logged as a message below.
    }
  }
  const message = args.map(describeError).join(' ');
  return logLine(
    level === 'error' || level === 'warning' ? (level === 'error' ? 'error' : 'warn') : 'info',
    message,
    {},
    { function: functionName },
  );
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
      options.log(jsonLogLine(level, options.functionName, args));
    },
  });
}
