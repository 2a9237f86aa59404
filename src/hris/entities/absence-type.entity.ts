import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'absence_types' })
@Index('absence_types_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('absence_types_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
export class AbsenceTypeEntity extends UnifiedRecordBase {
  @Column({ type: 'text' })
  name!: string;
}
