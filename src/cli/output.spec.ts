import { describeProblem, keyValues, table } from './output';

describe('CLI output', () => {
  it('aligns table columns and leaves the last one unpadded', () => {
    expect(
      table(
        ['ID', 'NAME'],
        [
          ['1', 'Expense tool'],
          ['1234', 'HR'],
        ],
      ),
    ).toBe(['ID    NAME', '1     Expense tool', '1234  HR'].join('\n'));
    expect(table(['ID'], [])).toBe('');
    expect(
      keyValues([
        ['id', '7'],
        ['client_id', 'app_x'],
      ]),
    ).toBe('id:        7\nclient_id: app_x');
  });

  it('describes an RFC 9457 problem with its fields and ids', () => {
    const text = describeProblem(400, {
      type: 'urn:hris-gateway:problem:validation_failed',
      title: 'The request is invalid',
      status: 400,
      detail: '1 invalid field: name',
      code: 'validation_failed',
      request_id: 'req-1',
      errors: [{ in: 'body', field: 'name', message: 'name must not be blank' }],
    });
    expect(text).toBe(
      [
        'error: The request is invalid (400) [validation_failed]',
        '  1 invalid field: name',
        '  - body.name: name must not be blank',
        '  request id: req-1',
      ].join('\n'),
    );
  });

  it('describes OAuth errors and answers that are not problems', () => {
    expect(
      describeProblem(
        401,
        { error: 'invalid_client', error_description: 'Unknown client.' },
        'getting a token',
      ),
    ).toBe('error: getting a token failed: invalid_client (401): Unknown client.');
    expect(describeProblem(502, '<html>Bad gateway</html>')).toBe(
      'error: the gateway answered 502: <html>Bad gateway</html>',
    );
    expect(describeProblem(500, null)).toBe('error: the gateway answered 500');
  });
});
