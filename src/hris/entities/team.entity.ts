import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'teams' })
@Index('teams_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('teams_connection_id_idx', ['connectionId', 'id'])
@Index('teams_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
@Index('teams_connection_parent_idx', ['connectionId', 'parentId'])
export class TeamEntity extends UnifiedRecordBase {
  @ManyToOne(() => ConnectionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection?: ConnectionEntity;

  /** `department` or `team`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;
}
