import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../../auth/access-token.guard';
import { ConnectionTestService, type ConnectionTestView } from './connection-test.service';

@Controller('v1/connections')
@UseGuards(AccessTokenGuard)
@RequireScopes('connections:write')
export class ConnectionTestController {
  constructor(private readonly tests: ConnectionTestService) {}

  /** A dry run: what a sync would change now, without writing anything. */
  @Post(':id/test')
  @HttpCode(200)
  test(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ConnectionTestView> {
    return this.tests.test(auth, id);
  }
}
