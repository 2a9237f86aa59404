/**
 * Makes the connectors of connectors/registry.ts available to the gateway, built once per
 * process from the validated configuration (connectors never read the environment). One
 * connector instance per process: it owns the HTTP pool, token cache and pacing per credential.
 */
import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PersonioConnector } from '../../connectors/personio/personio.connector';
import { AppConfig } from '../config/app-config';

@Injectable()
export class Providers implements OnApplicationShutdown {
  readonly personio: PersonioConnector;

  constructor(config: AppConfig) {
    this.personio = new PersonioConnector({
      baseUrl: config.personio.baseUrl,
      partnerId: config.personio.partnerId,
      appId: config.personio.appId,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.personio.close();
  }
}

@Global()
@Module({ providers: [Providers], exports: [Providers] })
export class ProvidersModule {}
