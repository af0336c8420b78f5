// The options every command takes (signing in, the API's address, retries, pacing) and the
// client made from them.
import { execFile } from 'node:child_process';
import {
  createDocGenClient,
  type DocGenClient,
  type DocGenClientOptions,
  type Logger,
  type TokenSource,
} from '@box-docgen/client';
import { DocGenAuthError } from '@box-docgen/client/auth';
import { createPacer } from '@box-docgen/client/pacing';
import { int, str, type OptionTable, type Values } from './args.js';
import { TokenError, UsageError } from './errors.js';
import { describeError } from './explain.js';
import type { Io } from './io.js';
import { rememberTokens, safeText } from './redact.js';
import { AUTH_KINDS, signIn } from './sign-in.js';

export const COMMON: OptionTable = [
  {
    name: 'auth',
    value: AUTH_KINDS.join('|'),
    help:
      'how to sign in, from the environment (default developer): developer reads BOX_DEVELOPER_TOKEN (it lasts 60 minutes); ' +
      'ccg BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_ENTERPRISE_ID (or BOX_USER_ID); jwt BOX_JWT_CONFIG (the path of the ' +
      "app's config JSON) and BOX_USER_ID optionally; oauth BOX_CLIENT_ID, BOX_CLIENT_SECRET and BOX_OAUTH_TOKEN_FILE (a file " +
      'holding the refresh token, rewritten with each new one). BOX_AUTH_BASE_URL: another token endpoint',
  },
  {
    name: 'token-command',
    value: 'CMD',
    help: 'run CMD (in a shell) for a token instead of reading BOX_DEVELOPER_TOKEN',
  },
  { name: 'base-url', value: 'URL', help: 'API base URL (default BOX_DOCGEN_BASE_URL or https://api.box.com/2.0)' },
  { name: 'max-retries', value: 'N', help: 'retries of a request (default 5; a generate POST is only retried on 429)' },
  {
    name: 'max-rate',
    value: 'N',
    help: "requests per second at most, for a known quota; without it the rate is found from Box's 429s, which pause every request for their Retry-After",
  },
  { name: 'timeout', value: 'MS', help: 'per request attempt (default 60000)' },
  { name: 'json', help: 'machine-readable output on stdout' },
  { name: 'verbose', help: 'log every request to stderr' },
  { name: 'quiet', help: 'no progress output' },
  { name: 'help', short: 'h', help: 'this text' },
];

/** A token source that runs `command` in a shell; its trimmed stdout is the token. Run again on a 401. */
export function tokenFromCommand(command: string, env: Record<string, string | undefined>): TokenSource {
  let current: Promise<string> | undefined;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      execFile(
        command,
        { shell: true, timeout: 60_000, maxBuffer: 1 << 20, encoding: 'utf8', env: env as NodeJS.ProcessEnv },
        (error, stdout, stderr) => {
          if (error) {
            const detail = stderr.trim().split('\n')[0]?.slice(0, 300) || error.message;
            const how = (error as { killed?: boolean }).killed
              ? 'timed out'
              : `failed (exit code ${String((error as { code?: unknown }).code ?? '?')})`;
            reject(new TokenError(`--token-command ${how}: ${detail}`));
            return;
          }
          const token = stdout.trim();
          if (!token) reject(new TokenError('--token-command printed nothing: it must print a token on stdout'));
          else if (/\s/.test(token))
            reject(new TokenError('--token-command printed more than one word: it must print only the token'));
          else resolve(token);
        },
      );
    });
  return ({ forceRefresh }) => {
    if (!current || forceRefresh) {
      const attempt = run();
      current = attempt;
      attempt.catch(() => {
        if (current === attempt) current = undefined; // a failure is not cached
      });
    }
    return current;
  };
}

/** The token, remembered (redact.ts) so that no output can carry it. */
function tokenSource(v: Values, env: Record<string, string | undefined>): TokenSource {
  const auth = str(v, 'auth');
  if (auth !== undefined && str(v, 'token-command') !== undefined)
    throw new UsageError('--auth and --token-command are two ways to get a token: give one');
  if (auth !== undefined) return signIn(auth.trim(), env);
  const command = str(v, 'token-command');
  if (command !== undefined) {
    if (!command.trim()) throw new UsageError('--token-command is empty');
    return rememberTokens(tokenFromCommand(command, env));
  }
  const token = env.BOX_DEVELOPER_TOKEN?.trim();
  if (!token)
    throw new UsageError(
      'no token: set BOX_DEVELOPER_TOKEN, or pass --token-command "<a command that prints a token>"',
    );
  return rememberTokens(token);
}

export interface Connection {
  docgen: DocGenClient;
  token: TokenSource;
  options: DocGenClientOptions;
}

/** The client of a run, from the common options. One pacer: every request of the run shares one send rate. */
export function client(v: Values, io: Io, log: (line: string) => void): Connection {
  const token = tokenSource(v, io.env);
  const baseUrl = str(v, 'base-url') ?? (io.env.BOX_DOCGEN_BASE_URL?.trim() || undefined);
  if (baseUrl !== undefined && !URL.canParse(baseUrl))
    throw new UsageError(`--base-url "${baseUrl}" is not an absolute URL`);
  const logger: Logger | undefined = v.verbose
    ? {
        debug: (m) => log(safeText(`debug: ${m}`)),
        info: (m) => log(safeText(`info: ${m}`)),
        warn: (m) => log(safeText(`warn: ${m}`)),
        error: (m) => log(safeText(`error: ${m}`)),
      }
    : undefined;
  const rate = str(v, 'max-rate');
  const maxRate = rate === undefined ? undefined : Number(rate);
  if (maxRate !== undefined && !(/^\d+(\.\d+)?$/.test(rate!) && maxRate > 0))
    throw new UsageError(`--max-rate must be a number of requests per second above 0, got "${rate}"`);
  const options: DocGenClientOptions = {
    token,
    baseUrl,
    maxRetries: int(v, 'max-retries', 0, 20, 5),
    timeoutMs: int(v, 'timeout', 1, 3_600_000),
    logger,
    // Every request of the run shares one send rate: a 429 pauses them all.
    pacer: createPacer(maxRate === undefined ? {} : { maxRate, startRate: maxRate }),
  };
  return { docgen: createDocGenClient(options), token, options };
}

/** Gets a token once before anything else, so a broken --token-command fails before any work. */
export async function checkToken(token: TokenSource): Promise<void> {
  if (typeof token === 'string') return;
  try {
    await token({ forceRefresh: false });
  } catch (error) {
    // Box refused the sign-in: nothing was sent (exit 2), and the message holds no secret.
    if (error instanceof DocGenAuthError) throw new TokenError(`sign-in failed: ${describeError(error)}`);
    throw error;
  }
}

/** The client, with the token checked: what the thin commands need. */
export async function connect(v: Values, io: Io, log = (line: string) => io.stderr.write(`${line}\n`)) {
  const made = client(v, io, log);
  await checkToken(made.token);
  return made;
}
