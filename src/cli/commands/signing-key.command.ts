/** `signing-key rotate`: start signing access tokens with a new key (admin API). */
import { type CommandSpec } from '../command';

export const signingKeyRotate: CommandSpec = {
  group: 'signing-key',
  action: 'rotate',
  summary: 'Sign access tokens with a new key; old keys verify until their tokens expire',
  arguments: [],
  auth: 'admin',
  options: {},
  async run({ gateway, output }) {
    const { body } = await gateway.post<{ kid: string; retired: string[] }>(
      '/v1/admin/signing-keys/rotate',
    );
    output.result(body, () =>
      [
        `Signing access tokens with key ${body.kid}.`,
        body.retired.length
          ? `Retired (still verifying until their tokens expire): ${body.retired.join(', ')}`
          : 'No key was retired.',
      ].join('\n'),
    );
    return 0;
  },
};
