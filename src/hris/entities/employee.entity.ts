import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'employees' })
@Index('employees_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('employees_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
@Index('employees_connection_email_idx', ['connectionId', 'emailLower'])
@Index('employees_connection_manager_idx', ['connectionId', 'managerId'])
@Index('employees_connection_team_idx', ['connectionId', 'teamId'])
@Index('employees_connection_department_idx', ['connectionId', 'departmentId'])
@Index('employees_connection_position_idx', ['connectionId', 'positionId'])
export class EmployeeEntity extends UnifiedRecordBase {
  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ name: 'employment_type', type: 'text', nullable: true })
  employmentType!: string | null;

  /** Lower-cased email: filters and matching are case-insensitive. */
  @Column({ name: 'email_lower', type: 'text', nullable: true })
  emailLower!: string | null;

  @Column({ name: 'manager_id', type: 'uuid', nullable: true })
  managerId!: string | null;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId!: string | null;

  @Column({ name: 'department_id', type: 'uuid', nullable: true })
  departmentId!: string | null;

  @Column({ name: 'position_id', type: 'uuid', nullable: true })
  positionId!: string | null;

  @Column({ name: 'hire_date', type: 'date', nullable: true })
  hireDate!: string | null;

  @Column({ name: 'termination_date', type: 'date', nullable: true })
  terminationDate!: string | null;

  /** The hire date `employee.started` was last emitted (or settled at the baseline) for. */
  @Column({ name: 'started_notified_on', type: 'date', nullable: true })
  startedNotifiedOn!: string | null;

  @Column({ name: 'terminated_notified_on', type: 'date', nullable: true })
  terminatedNotifiedOn!: string | null;
}
