import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { type components } from '../../openapi/generated/hris-gateway';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { ProblemException } from '../common/errors/problem';
import { ApplicationsService } from './applications.service';
import { CreateApplicationDto } from './dto/create-application.dto';
import { ListApplicationsQuery } from './dto/list-applications.query';
import { UpdateApplicationDto } from './dto/update-application.dto';

const applicationId = (): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () => new ProblemException('not_found', 'No such application.'),
  });

type Schemas = components['schemas'];

/** The operator's admin API for applications. HTTP only; rules live in the service. */
@Controller('v1/admin/applications')
@UseGuards(AdminTokenGuard)
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: CreateApplicationDto): Promise<Schemas['ApplicationWithSecret']> {
    return this.applications.create(body);
  }

  @Get()
  list(@Query() query: ListApplicationsQuery): Promise<Schemas['ApplicationPage']> {
    return this.applications.list(query.limit, query.cursor);
  }

  @Get(':id')
  get(@Param('id', applicationId()) id: string): Promise<Schemas['Application']> {
    return this.applications.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', applicationId()) id: string,
    @Body() body: UpdateApplicationDto,
  ): Promise<Schemas['Application']> {
    return this.applications.update(id, body);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(
    @Param('id', applicationId()) id: string,
  ): Promise<Schemas['ApplicationWithSecret']> {
    return this.applications.rotateSecret(id);
  }
}
