// Operations outside Doc Gen (`x-box-docgen.entry`): the generator keeps them off the resources
// and records what the helpers need (their own server, whether they take box-version), and it
// refuses a resource operation that breaks what the resources and raw assume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitTable, TableError } from '../../scripts/lib/endpoints.js';
import { endpoints, helperEndpoints } from '@box-docgen/types/endpoints';
import { root } from './run.js';

const bundled = () => JSON.parse(readFileSync(join(root, 'packages/spec/openapi.json'), 'utf8'));

describe('operations outside Doc Gen', () => {
  it('go to helperEndpoints, not to the resources', () => {
    const { resources, helpers } = splitTable(bundled());
    expect(Object.keys(helpers).sort()).toEqual(['createAccessToken', 'getAuthorization', 'getFileContent']);
    for (const id of Object.keys(helpers)) expect(resources).not.toHaveProperty(id);
    expect(Object.values(endpoints).map((ep) => ep.path)).not.toContain('/oauth2/token');
  });

  it('carry their own server and box-version as the spec declares them', () => {
    expect(helperEndpoints.createAccessToken).toMatchObject({
      entry: 'auth',
      server: 'https://api.box.com',
      path: '/oauth2/token',
    });
    expect(helperEndpoints.createAccessToken.body.mediaType).toBe('application/x-www-form-urlencoded');
    expect(helperEndpoints.createAccessToken).not.toHaveProperty('versioned');
    expect(helperEndpoints.getFileContent).not.toHaveProperty('versioned');
    expect(helperEndpoints.getFileContent).not.toHaveProperty('server');
  });

  it('record versioned when one declares box-version', () => {
    const spec = bundled();
    spec.paths['/files/{file_id}/content'].get.parameters.push({ $ref: '#/components/parameters/BoxVersion' });
    expect(splitTable(spec).helpers.getFileContent.versioned).toBe(true);
  });
});

describe('the generator refuses', () => {
  const refusal = (edit: (spec: any) => void) => {
    const spec = bundled();
    edit(spec);
    try {
      splitTable(spec);
    } catch (error) {
      expect(error).toBeInstanceOf(TableError);
      return (error as Error).message;
    }
    throw new Error('the table was built');
  };

  it('a Doc Gen operation without box-version', () => {
    const message = refusal((spec) => {
      const op = spec.paths['/docgen_jobs/{job_id}'].get;
      op.parameters = op.parameters.filter((p: any) => !/BoxVersion/.test(p.$ref ?? ''));
    });
    expect(message).toMatch(/getJob: a Doc Gen operation must take the box-version header/);
  });

  it('a Doc Gen operation with its own server', () => {
    const message = refusal(
      (spec) => (spec.paths['/docgen_jobs/{job_id}'].get.servers = [{ url: 'https://api.box.com' }]),
    );
    expect(message).toMatch(/getJob: a Doc Gen operation is served from the spec's server/);
  });

  it('an operation that names both a resource and an entry', () => {
    const message = refusal((spec) => (spec.paths['/oauth2/token'].post['x-box-docgen'].resource = 'auth'));
    expect(message).toMatch(/createAccessToken \(POST \/oauth2\/token\) does not say what the SDK calls it/);
  });

  it('a form body on a Doc Gen operation', () => {
    const message = refusal((spec) => {
      const body = spec.paths['/docgen_batches'].post.requestBody.content;
      body['application/x-www-form-urlencoded'] = body['application/json'];
      delete body['application/json'];
    });
    expect(message).toMatch(/createBatch: the client sends one JSON body/);
  });
});
