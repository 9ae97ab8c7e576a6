import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Audience } from './audience.js';

/** A named audience (migration Audiences): campaigns and previews use it by `segmentId`. */
@Entity('segments')
export class Segment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_segments_name', { unique: true })
  @Column('text')
  name: string;

  /** Validated by audience-rules.ts before it is stored; never names another segment. */
  @Column('jsonb')
  audience: Audience;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
