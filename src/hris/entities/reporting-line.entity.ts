import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

/** One employee's line to their supervisor; its remote id is the employee's remote id. */
@Entity({ name: 'reporting_lines' })
@Index('reporting_lines_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('reporting_lines_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
@Index('reporting_lines_connection_manager_idx', ['connectionId', 'managerId'])
export class ReportingLineEntity extends UnifiedRecordBase {
  @Column({ name: 'employee_id', type: 'uuid' })
  employeeId!: string;

  @Column({ name: 'manager_id', type: 'uuid' })
  managerId!: string;
}
