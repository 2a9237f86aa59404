import { Column, Entity, Index } from 'typeorm';
import { UnifiedRecordBase } from './unified-record.base';

/** A distinct job title of the employees in scope (a feedback tool's "role"). */
@Entity({ name: 'positions' })
@Index('positions_connection_remote_unique', ['connectionId', 'remoteId'], { unique: true })
@Index('positions_connection_updated_idx', ['connectionId', 'updatedAt', 'id'])
export class PositionEntity extends UnifiedRecordBase {
  @Column({ type: 'text' })
  title!: string;
}
