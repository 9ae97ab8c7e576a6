import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AudiencesController, SegmentsController } from './audiences.controller.js';
import { AudiencesService } from './audiences.service.js';
import { Segment } from './segment.entity.js';
import { SegmentsRepository } from './segments.repository.js';
import { SegmentsService } from './segments.service.js';

/** Audiences (validation, the shared SQL, the preview) and saved segments. Campaigns use AudiencesService at create and launch. */
@Module({
  imports: [TypeOrmModule.forFeature([Segment])],
  controllers: [AudiencesController, SegmentsController],
  providers: [AudiencesService, SegmentsService, SegmentsRepository],
  exports: [AudiencesService],
})
export class AudiencesModule {}
