import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import { attachment } from '../common/content-disposition.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { publicRecordsQuery, reconciliationQuery } from './exports.dto.js';
import { publicRecordsPdf } from './public-records-pdf.js';
import { ExportsService } from './exports.service.js';

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('ice-reconciliation')
  @Roles('sheriff')
  @ApiOperation({
    summary:
      "One row per detainer received in [from, to): ICE's prepare date, facility code and lift reason (where detainer.lodged carried them) beside the jail's hour-level verdict, to join with ICE's released detainer tables.",
  })
  @ApiQuery({ name: 'facilityId', required: true })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async reconciliation(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(reconciliationQuery, query);
    const body = await this.exports.reconciliation(q);
    if (q.format === 'json') return body;
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', attachment(`ice-reconciliation-${q.facilityId}.csv`));
    return this.exports.reconciliationCsv(body.items);
  }

  @Get('public-records')
  @Roles('sheriff')
  @ApiOperation({
    summary:
      'What a public-records request about detainers may get: every custody record whose first detainer was received in [from, to) with no name, date of birth, A-number or id; the rules in force, complaint and notice counts, ICE contacts; a manifest with the digest of the records and the chain head.',
  })
  @ApiQuery({ name: 'facilityId', required: true })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'pdf', 'json'] })
  async publicRecords(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(publicRecordsQuery, query);
    const p = await this.exports.publicRecords(q);
    const name = `public-records-${q.facilityId}`;
    if (q.format === 'pdf') return new StreamableFile(await publicRecordsPdf(p), { type: 'application/pdf', disposition: attachment(`${name}.pdf`) });
    if (q.format === 'json') return p;
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', attachment(`${name}.csv`));
    return this.exports.publicRecordsCsv(p);
  }
}
