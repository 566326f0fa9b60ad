import type { Logger } from '../logging/logger.js';

/**
 * A signal that aborts on the first SIGTERM or SIGINT. A second one exits at once with code 130, for an
 * operator at a terminal whose graceful shutdown hangs. `dispose` removes the handlers.
 */
export function shutdownSignal(
  logger?: Logger,
  proc: Pick<NodeJS.Process, 'on' | 'off' | 'exit'> = process,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      logger?.warn({ signal: name }, 'second signal: exiting now');
      proc.exit(130);
      return;
    }
    logger?.info({ signal: name }, 'shutting down gracefully');
    controller.abort(name);
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      proc.off('SIGTERM', onSignal);
      proc.off('SIGINT', onSignal);
    },
  };
}

/**
 * Runs `start` (usually `manager.start`) until SIGTERM/SIGINT and exits the process: 0 after a clean
 * shutdown, 1 if it failed. For `fulcrum run`.
 */
export async function runUntilSignalled(
  start: (signal: AbortSignal) => Promise<void>,
  logger: Logger,
  proc: Pick<NodeJS.Process, 'on' | 'off' | 'exit'> = process,
): Promise<void> {
  const { signal, dispose } = shutdownSignal(logger, proc);
  let code = 0;
  try {
    await start(signal);
  } catch (error) {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'manager failed');
    code = 1;
  } finally {
    dispose();
  }
  proc.exit(code);
}
