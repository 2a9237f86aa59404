import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../auth/access-token.guard';
import { type ConnectionView } from './connection.view';
import { ConnectionsService } from './connections.service';
import { ListConnectionsQuery } from './dto/list-connections.query';
import { UpdateConnectionDto } from './dto/update-connection.dto';

@Controller('v1/connections')
@UseGuards(AccessTokenGuard)
@RequireScopes('connections:write')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListConnectionsQuery,
  ): Promise<{ data: ConnectionView[]; next_cursor: string | null }> {
    return this.connections.list(auth, query);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ConnectionView> {
    return this.connections.get(auth, id);
  }

  @Patch(':id')
  update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.update(auth, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.connections.remove(auth, id);
  }
}
