import request from 'supertest';
import { Contract, expectContract } from '../support/contract';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** The contract helper is only worth something if it fails on a broken response. */
describe('contract helper', () => {
  const contract = Contract.load();
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const live = { method: 'GET', path: '/health/live' };

  it('accepts a response that matches its operation', () => {
    expect(() =>
      contract.check({ status: 200, headers: json, body: { status: 'ok' } }, live),
    ).not.toThrow();
  });

  it('fails on a field the schema does not declare', () => {
    expect(() =>
      contract.check({ status: 200, headers: json, body: { status: 'ok', uptime: 3 } }, live),
    ).toThrow(/uptime/);
  });

  it('fails on a wrong value', () => {
    expect(() =>
      contract.check({ status: 200, headers: json, body: { status: 'fine' } }, live),
    ).toThrow(/breaks the documented schema/);
  });

  it('fails on an undocumented status code', () => {
    expect(() =>
      contract.check({ status: 201, headers: json, body: { status: 'ok' } }, live),
    ).toThrow(/status 201 is not documented/);
  });

  it('fails on an undocumented content type', () => {
    expect(() =>
      contract.check(
        { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', text: 'ok' },
        live,
      ),
    ).toThrow(/content type text\/plain is not documented/);
  });

  it('fails on an undocumented route answering anything but 404', () => {
    expect(() =>
      contract.check(
        { status: 200, headers: json, body: {} },
        { method: 'GET', path: '/v1/secret' },
      ),
    ).toThrow(/no documented operation/);
  });

  it('fails on a problem missing required members or with extra ones', () => {
    const problemHeaders = { 'content-type': 'application/problem+json' };
    const problem = {
      type: 'urn:hris-gateway:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: 'x',
      instance: '/docs/assets/x',
      code: 'not_found',
    };
    const asset = { method: 'GET', path: '/docs/assets/x' };
    expect(() =>
      contract.check({ status: 404, headers: problemHeaders, body: problem }, asset),
    ).not.toThrow();
    const { code: _code, ...withoutCode } = problem;
    expect(() =>
      contract.check({ status: 404, headers: problemHeaders, body: withoutCode }, asset),
    ).toThrow(/code/);
    expect(() =>
      contract.check(
        { status: 404, headers: problemHeaders, body: { ...problem, stack: 'at x' } },
        asset,
      ),
    ).toThrow(/stack/);
  });

  describe('on a real response', () => {
    let gateway: TestGateway;
    beforeAll(async () => {
      gateway = await startTestGateway();
    });
    afterAll(async () => {
      await gateway.close();
    });

    it('fails when a real response is checked against the wrong operation', async () => {
      const res = await request(gateway.url).get('/health/ready').expect(200);
      expect(() => expectContract(res)).not.toThrow();
      expect(() => expectContract(res, { method: 'GET', path: '/health/live' })).toThrow(/checks/);
    });
  });
});
