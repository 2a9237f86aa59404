import { Module } from '@nestjs/common';
import { AbsencesController } from './absences.controller';
import { EmployeeGraph } from './employee-graph';
import { EmployeeMatcher } from './employee-matcher';
import { EmployeesController } from './employees.controller';
import { HrisReader } from './hris-reader';
import { OrganisationController } from './organisation.controller';

/** The unified read API under /v1/hris: what the sync stored, for one connection per token. */
@Module({
  controllers: [EmployeesController, OrganisationController, AbsencesController],
  providers: [HrisReader, EmployeeMatcher, EmployeeGraph],
})
export class HrisModule {}
