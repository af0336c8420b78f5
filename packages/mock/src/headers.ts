/** Per-request scenario: `x-box-docgen-scenario: rate-limited:every=2` ('none' for no scenario). */
export const SCENARIO_HEADER = 'x-box-docgen-scenario';
/** Tags requests with a session: the journal and scenario state are kept per session. */
export const SESSION_HEADER = 'x-box-docgen-mock-session';
/** Prefix of the control endpoints. */
export const CONTROL_PREFIX = '/__box-docgen-mock__';
