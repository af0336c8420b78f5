// templates.listTags: 202 means the tags are still being extracted; the client waits
// (Retry-After or backoff) and asks again until 200, within the call's timeoutMs.
import { DocGenTimeoutError } from '@box-docgen/client';
import { describe, expect, it } from 'vitest';
import { gaps, respond } from '../helpers/fault-server.js';
import { example } from '../helpers/spec.js';
import { clientFor, delay, rejection, useFaultServers } from './support.js';

const serve = useFaultServers();

const tags = example('/docgen_templates/{template_id}/tags', 'get', 200);
const processing = example('/docgen_templates/{template_id}/tags', 'get', 202);
const notReady = (headers?: Record<string, string>) => respond(202, processing, headers);
const URL_ = '/2.0/docgen_templates/4711/tags?template_version_id=12&limit=100';

describe('templates.listTags', () => {
  it('asks again after 202 until 200, with backoff', async () => {
    const server = await serve([notReady(), notReady(), respond(200, tags)]);
    const page = await clientFor(server).templates.listTags('4711', { template_version_id: '12', limit: 100 });
    expect(page.entries).toEqual(tags.entries);
    expect(server.requests.map((r) => r.url)).toEqual([URL_, URL_, URL_]);
  });

  it('honours Retry-After on a 202', async () => {
    const server = await serve([notReady({ 'Retry-After': '1' }), respond(200, tags)]);
    const page = await clientFor(server, { timeoutMs: 5_000 }).templates.listTags('4711');
    expect(page.entries).toEqual(tags.entries);
    expect(server.requests).toHaveLength(2);
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(900);
  });

  it('gives up with DocGenTimeoutError when 202 lasts past the call timeoutMs', async () => {
    const server = await serve(() => notReady());
    const started = Date.now();
    const error = await rejection(
      clientFor(server, { timeoutMs: 30_000 }).templates.listTags('4711', undefined, { timeoutMs: 300 }),
    );
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(error.message).toMatch(/still being extracted/);
    expect(error.outcomeUnknown).toBe(false);
    expect(server.requests.length).toBeGreaterThan(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    const count = server.requests.length;
    await delay(100);
    expect(server.requests).toHaveLength(count); // nothing after giving up
  });

  it('gives up at once when Retry-After asks for longer than the budget', async () => {
    const server = await serve(() => notReady({ 'Retry-After': '4' }));
    const error = await rejection(clientFor(server, { timeoutMs: 1_000 }).templates.listTags('4711'));
    expect(error).toBeInstanceOf(DocGenTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it('a 202 on a later page is waited out too, while iterating', async () => {
    const first = { ...tags, next_marker: 'tags-2' };
    const second = {
      ...tags,
      entries: [{ tag_content: '{{order.total}}', tag_type: 'text', json_paths: ['order.total'] }],
      next_marker: null,
    };
    const server = await serve([respond(200, first), notReady(), respond(200, second)]);
    const all = [];
    for await (const tag of clientFor(server).templates.listTags('4711')) all.push(tag);
    expect(all).toEqual([...tags.entries, ...second.entries]);
    expect(server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('marker'))).toEqual([
      null,
      'tags-2',
      'tags-2',
    ]);
  });

  it('an abort while waiting out a 202 rejects with the signal reason', async () => {
    const server = await serve(() => notReady({ 'Retry-After': '3' }));
    const controller = new AbortController();
    const reason = new Error('stop');
    const call = rejection(
      clientFor(server, { timeoutMs: 10_000 }).templates.listTags('4711', undefined, { signal: controller.signal }),
    );
    await server.received(1);
    await delay(50);
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});
