// The command line itself: help made from each command's option table (so help and parser agree),
// did-you-mean for typos, exit 2 for every usage error, and what a connection failure or a 401
// says without --json.
import { COMMANDS, helpText, optionsOf, parseFor, UsageError } from '@box-docgen/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/fault-server.js';
import { respond } from '../helpers/fault-server.js';
import { useFaultServers } from '../faults/support.js';
import { envFor, generateArgs, runCli, tempDir } from './support.js';

const serve = useFaultServers();
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('help comes from the option tables', () => {
  it('every option a command accepts is in its help, and its help names no option it does not accept', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['generate', 'report', 'download', 'types', 'jobs', 'templates']);
    for (const command of COMMANDS) {
      const help = helpText(command);
      const table = optionsOf(command).map((o) => o.name);
      const named = new Set([...help.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
      expect([...named].sort(), command.name).toEqual([...new Set(table)].sort());
      for (const option of optionsOf(command)) {
        // The parser takes it (a value where the table says it has one)...
        const args = option.value === undefined ? [`--${option.name}`] : [`--${option.name}`, 'x'];
        expect(() => parseFor(command, args), `${command.name} --${option.name}`).not.toThrow();
      }
      // ...and nothing else: the same names with a typo are refused.
      for (const name of table) expect(() => parseFor(command, [`--${name}x`])).toThrow(UsageError);
    }
  });

  it('generate --help and help generate print the same help; the overview lists every command', async () => {
    const a = await runCli(['generate', '--help']);
    const b = await runCli(['help', 'generate']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('--delimiter CHAR');
    expect(a.stdout).toContain('--report-format csv|jsonl');
    const jobs = await runCli(['jobs', 'list', '-h']);
    expect(jobs.stdout).toMatch(/box-docgen jobs get <job_id> \[options\]/);
    const overview = await runCli(['--help']);
    for (const command of COMMANDS) expect(overview.stdout).toContain(`box-docgen ${command.name} `);
  });
});

describe('usage errors: a did-you-mean and exit 2', () => {
  it('unknown commands, subcommands and options', async () => {
    const command = await runCli(['genrate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "genrate"; did you mean generate?');
    const help = await runCli(['help', 'downlaod']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('did you mean download?');
    const sub = await runCli(['templates', 'tag', '1']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('did you mean tags?');
    const option = await runCli(['generate', '--batchsize', '5']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option --batchsize; did you mean --batch-size?');
    expect(option.stderr).toContain('run box-docgen help generate for usage');
    // Far from every option: no guess.
    const far = await runCli(['report', '--zzzzzzzz']);
    expect(far.stderr).toMatch(/unknown option --zzzzzzzz\n/);
  });

  it('every usage error exits 2, before anything is sent', async () => {
    const api = await serve(() => respond(200, {}));
    const data = tmp.write('rows.csv', 'order.id\n1\n');
    const env = envFor({ url: `${api.url}/2.0` });
    const cases: [string[], RegExp][] = [
      [[], /usage:/],
      [['-x'], /"-x" before a command/],
      [['generate', '--data'], /argument missing/],
      [['generate', '-q'], /Unknown option '-q'/],
      [generateArgs(data, ['--delimiter', ':']), /--delimiter ":" is not one of , ; \| or \\t/],
      [generateArgs(data, ['--report-format', 'xml']), /--report-format: unknown report format "xml"/],
      [generateArgs(data, ['extra']), /takes no positional arguments/],
      [['report'], /report needs at least one ledger/],
      [['report', data, '--format', 'xml'], /--format: unknown report format/],
      [['download'], /download needs a report or ledgers/],
      [['download', data], /--dir is required/],
      [['download', data, '--dir', tmp.dir, '--output-type', 'png'], /--output-type must be docx or pdf/],
      [['jobs'], /jobs needs a command/],
      [['jobs', 'list', '--template', '1', '--batch', '2'], /give --template or --batch, not both/],
      [['jobs', 'get', '1', '2'], /unexpected argument "2"/],
      [['types'], /--template is required/],
      [['help', 'a', 'b'], /help takes one command/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect(api.requests).toEqual([]);
  });
});

describe('failures explained', () => {
  it('a connection failure names the host and the cause: refused, DNS, TLS', async () => {
    const port = await closedPort();
    const refused = await runCli(['jobs', 'get', '1', '--max-retries', '0'], {
      env: envFor({ url: `http://127.0.0.1:${port}/2.0` }),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `(127.0.0.1:${port}: the connection was refused (nothing listens on that port) (ECONNREFUSED))`,
    );
    const dns = await runCli(['jobs', 'get', '1', '--max-retries', '0'], {
      env: envFor({ url: 'http://box-docgen-test.invalid/2.0' }),
    });
    expect(dns.code).toBe(1);
    expect(dns.stderr).toMatch(/box-docgen-test\.invalid: DNS: the host name was not found \((ENOTFOUND|EAI_AGAIN)\)/);
    // https:// to a server that speaks plain HTTP.
    const plain = await serve(() => respond(200, {}));
    const tls = await runCli(['jobs', 'get', '1', '--max-retries', '0'], {
      env: envFor({ url: `${plain.url.replace('http:', 'https:')}/2.0` }),
    });
    expect(tls.code).toBe(1);
    expect(tls.stderr).toMatch(/127\.0\.0\.1:\d+: TLS: the certificate or handshake failed/);
  });

  it("a 401 shows Box's error_description and what to do, per sign-in; never the token", async () => {
    const api = await serve(() =>
      respond(401, '', {
        'www-authenticate':
          'Bearer realm="Service", error="invalid_token", error_description="The access token has expired"',
      }),
    );
    const developer = await runCli(['jobs', 'get', '1'], { env: envFor({ url: `${api.url}/2.0` }) });
    expect(developer.code).toBe(1);
    expect(developer.stderr).toContain('failed with 401');
    expect(developer.stderr).toContain('  Box says: The access token has expired');
    expect(developer.stderr).toContain('developer tokens last 60 minutes');
    expect(developer.stderr).not.toContain('cli-test-token');

    const asDeveloper = await runCli(['jobs', 'get', '1', '--auth', 'developer'], {
      env: envFor({ url: `${api.url}/2.0` }),
    });
    expect(asDeveloper.stderr).toContain('  Box says: The access token has expired');

    const command = await runCli(['jobs', 'get', '1', '--token-command', 'echo tok-from-command'], {
      env: { BOX_DOCGEN_BASE_URL: `${api.url}/2.0` },
    });
    expect(command.stderr).toContain('the token --token-command printed was refused');
    expect(command.stderr).not.toContain('tok-from-command');
  });

  it('a refused sign-in says what to check for its --auth', async () => {
    const box = await serve(() =>
      respond(400, { error: 'invalid_client', error_description: 'The client credentials are invalid' }),
    );
    const result = await runCli(['jobs', 'get', '1', '--auth', 'ccg'], {
      env: {
        BOX_AUTH_BASE_URL: box.url,
        BOX_DOCGEN_BASE_URL: `${box.url}/2.0`,
        BOX_CLIENT_ID: 'cid',
        BOX_CLIENT_SECRET: 'very-secret-value-1234',
        BOX_ENTERPRISE_ID: '1',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The client credentials are invalid');
    expect(result.stderr).toContain('check BOX_CLIENT_ID and BOX_CLIENT_SECRET');
    expect(result.stderr).not.toContain('very-secret-value-1234');
  });
});
