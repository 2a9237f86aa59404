import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'absences' })
@Index('absences_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('absences_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
@Index('absences_connection_employee_idx', ['connectionId', 'employeeId'])
@Index('absences_connection_dates_idx', ['connectionId', 'endDate', 'startDate'])
export class AbsenceEntity extends UnifiedRecordBase {
  @Column({ name: 'employee_id', type: 'uuid' })
  employeeId!: string;

  @Column({ name: 'absence_type_id', type: 'uuid', nullable: true })
  absenceTypeId!: string | null;

  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'end_date', type: 'date' })
  endDate!: string;
}
