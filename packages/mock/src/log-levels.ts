export type MockLogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly MockLogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
