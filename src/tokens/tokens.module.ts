import { Global, Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { ApplicationRateLimiter } from '../auth/application-rate-limiter';
import { ConnectionsDataModule } from '../connections/connections-data.module';
import { AccessTokensService } from './access-tokens.service';
import { OAuthController } from './oauth.controller';
import { SigningKeysController } from './signing-keys.controller';
import { OAuthService } from './oauth.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/**
 * Access tokens: the OAuth token endpoint, the JWKS, signing keys, and the guard every
 * application route uses (global so feature modules can guard routes without importing it).
 */
@Global()
@Module({
  imports: [ApplicationsModule, ConnectionsDataModule],
  controllers: [OAuthController, SigningKeysController],
  providers: [
    SigningKeysRepository,
    SigningKeysService,
    AccessTokensService,
    OAuthService,
    AccessTokenGuard,
    ApplicationRateLimiter,
  ],
  exports: [
    AccessTokensService,
    SigningKeysService,
    AccessTokenGuard,
    ApplicationRateLimiter,
    ApplicationsModule,
  ],
})
export class TokensModule {}
