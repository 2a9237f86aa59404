import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../auth/access-token.guard';
import { ConnectSessionsService, type CreatedConnectSession } from './connect-sessions.service';
import { CreateConnectSessionDto } from './dto/create-connect-session.dto';

@Controller('v1/connect/sessions')
@UseGuards(AccessTokenGuard)
@RequireScopes('connections:write')
export class ConnectSessionsController {
  constructor(private readonly sessions: ConnectSessionsService) {}

  @Post()
  @HttpCode(201)
  create(
    @Auth() auth: AuthContext,
    @Body() body: CreateConnectSessionDto,
  ): Promise<CreatedConnectSession> {
    return this.sessions.create(auth, body);
  }
}
