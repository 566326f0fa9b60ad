import { pino, type Logger } from 'pino';

export type { Logger };

/** Options for the process logger; `level` follows pino's names (trace … fatal, or silent). */
export interface LoggerOptions {
  level?: string;
  /** Human-readable output for terminals; JSON lines otherwise (what log pipelines expect). */
  pretty?: boolean;
}

/**
 * Creates the root structured logger. Components take a child logger carrying their name and the object
 * they act on (`logger.child({ controller: 'pool', pool: 'general' })`), never this root directly.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.FULCRUM_LOG_LEVEL ?? 'info';
  if (options.pretty) {
    return pino({
      level,
      base: { app: 'fulcrum' },
      transport: { target: 'pino-pretty', options: { colorize: true } },
    });
  }
  return pino({ level, base: { app: 'fulcrum' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that discards everything, for unit tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
