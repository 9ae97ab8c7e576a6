import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

@Entity('imports')
export class ContactImport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  status: ImportStatus;

  /** Set when the import completes: the list is created inside the import's transaction. */
  @Column('uuid', { name: 'list_id', nullable: true })
  listId: string | null;

  /** The list name as uploaded (the list itself exists only once the import has completed). */
  @Column('text', { name: 'list_name', nullable: true })
  listName: string | null;

  @Column('text', { name: 'file_name', nullable: true })
  fileName: string | null;

  @Column('text', { name: 'default_country', nullable: true })
  defaultCountry: string | null;

  @Column('text', { name: 'opt_in_source', nullable: true })
  optInSource: string | null;

  @Column('int', { name: 'total_rows', default: 0 })
  totalRows: number;

  @Column('int', { default: 0 })
  imported: number;

  @Column('int', { default: 0 })
  updated: number;

  @Column('int', { default: 0 })
  duplicates: number;

  @Column('int', { default: 0 })
  rejected: number;

  /** Rows of the file whose contact is opted out: kept opted out (known contacts, part of `updated`), or created opted out (numbers of erased opted-out people, part of `imported`). */
  @Column('int', { name: 'opted_out', default: 0 })
  optedOut: number;

  @Column('bigint', { name: 'file_size', nullable: true })
  fileSize: string | null;

  /** Progress: bytes of the file parsed so far. */
  @Column('bigint', { name: 'bytes_read', default: 0 })
  bytesRead: string;

  @Column('text', { name: 'failure_reason', nullable: true })
  failureReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  /** The delimiter judged at upload: what an instance resuming the import needs besides its chunks. */
  @Column('text', { nullable: true })
  delimiter: string | null;

  /** Runs started so far (recovery re-queues an abandoned import a few times, then fails it). */
  @Column('int', { default: 0 })
  attempts: number;
}

@Entity('import_errors')
@Index('ix_import_errors_import_line', ['importId', 'line'])
export class ImportError {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'import_id' })
  importId: string;

  @ManyToOne(() => ContactImport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'import_id' })
  contactImport?: ContactImport;

  @Column('int')
  line: number;

  @Column('text', { nullable: true })
  value: string | null;

  @Column('text')
  reason: string;
}
