import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemFilter } from '../../src/common/errors/problem.filter';

// A route that fails the way a bug would: with internals in the message.
@Controller('boom')
class BoomController {
  @Get()
  boom(): never {
    throw new Error('connection to postgres://admin:s3cret@db failed at table secrets');
  }
}

@Module({
  controllers: [BoomController],
  providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
})
class BoomModule {}

describe('an unexpected error (e2e over HTTP, real filter)', () => {
  let app: INestApplication;
  const logged: unknown[] = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [BoomModule] }).compile();
    app = moduleRef.createNestApplication({
      logger: {
        error: (...args: unknown[]) => logged.push(args),
        log: () => undefined,
        warn: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
    });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 500 with a generic message and an error id, and logs the cause under that id', async () => {
    const res = await request(app.getHttpServer() as Parameters<typeof request>[0])
      .get('/boom')
      .expect(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'internal_error',
      status: 500,
      title: 'Internal error',
    });
    expect(res.body.error_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toContain('s3cret');
    expect(res.text).not.toContain('postgres://');
    expect(JSON.stringify(logged)).toContain(res.body.error_id);
  });
});
