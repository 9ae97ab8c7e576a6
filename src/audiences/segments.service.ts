import { Injectable } from '@nestjs/common';
import { timeIdCursor, type TimeIdPosition } from '../common/cursor.js';
import { DomainError, notFound } from '../common/domain-error.js';
import { AudiencesService } from './audiences.service.js';
import type { CreateSegmentDto, SegmentListResponse, SegmentResponse } from './dto/segment.dto.js';
import type { Segment } from './segment.entity.js';
import { SegmentsRepository } from './segments.repository.js';

const segmentCursor = timeIdCursor('g');

/** Saved, named audiences: create, list, read, delete (a segment is not edited: save a new one). */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly audiences: AudiencesService,
  ) {}

  async create(input: CreateSegmentDto): Promise<SegmentResponse> {
    const audience = await this.audiences.validate(input.audience, { segmentAllowed: false });
    const saved = await this.segments.create({ name: input.name, audience });
    if (!saved) throw new DomainError('conflict', `name: a segment named "${input.name}" exists already; pick another name or delete that one`);
    return toResponse(saved);
  }

  async get(id: string): Promise<SegmentResponse> {
    const segment = await this.segments.findById(id);
    if (!segment) throw notFound('segment', id);
    return toResponse(segment);
  }

  async list(cursor: string | undefined, limit = 50): Promise<SegmentListResponse> {
    let before: TimeIdPosition | null = null;
    if (cursor) {
      before = segmentCursor.decode(cursor);
      if (!before) throw new DomainError('invalid', 'cursor is not one this API returned: pass nextCursor of the previous page unchanged');
    }
    const rows = await this.segments.page(before, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toResponse),
      nextCursor: rows.length > limit && last ? segmentCursor.encode({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async delete(id: string): Promise<void> {
    const result = await this.segments.deleteUnlessUsed(id);
    if (result.usedBy.length > 0) {
      throw new DomainError('conflict', `segment ${id} is used by campaigns not launched yet (${result.usedBy.join(', ')}): change or cancel them first`, {
        campaignIds: result.usedBy,
      });
    }
    if (!result.deleted) throw notFound('segment', id);
  }
}

function toResponse(segment: Segment): SegmentResponse {
  return { id: segment.id, name: segment.name, audience: segment.audience, createdAt: segment.createdAt.toISOString() };
}
