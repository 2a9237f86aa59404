import { Global, Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { loadKeyRing } from './key-ring';
import { Vault } from './vault';

/** One Vault for the process, built from the configured key ring (or the dev key file). */
@Global()
@Module({
  providers: [
    {
      provide: Vault,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Promise<Vault> =>
        Vault.create(loadKeyRing(config, (message) => new Logger('Vault').warn(message))),
    },
  ],
  exports: [Vault],
})
export class VaultModule {}
