import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'absence_types' })
@Index('absence_types_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('absence_types_connection_id_idx', ['connectionId', 'id'])
@Index('absence_types_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
export class AbsenceTypeEntity extends UnifiedRecordBase {
  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  @Column({ type: 'text' })
  name!: string;
}
