import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import { UnifiedRecordBase } from './unified-record.base';

/** A distinct job title of the employees in scope (a feedback tool's "role"). */
@Entity({ name: 'positions' })
@Index('positions_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('positions_connection_id_idx', ['connectionId', 'id'])
@Index('positions_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
export class PositionEntity extends UnifiedRecordBase {
  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  @Column({ type: 'text' })
  title!: string;
}
