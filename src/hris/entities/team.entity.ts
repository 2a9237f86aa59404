import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

@Entity({ name: 'teams' })
@Index('teams_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('teams_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
@Index('teams_connection_parent_idx', ['connectionId', 'parentId'])
export class TeamEntity extends UnifiedRecordBase {
  /** `department` or `team`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;
}
