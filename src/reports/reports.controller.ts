import { Controller, Get, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LogAccess } from '../audit/access-log.interceptor.js';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { attachment } from '../common/content-disposition.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { historyPdf } from './history-pdf.js';
import { HistoryService } from './history.service.js';
import { quarterlyPdf } from './quarterly-pdf.js';
import { QuarterlyService } from './quarterly.service.js';
import { complianceQuery, historyQuery, illinoisQuery, quarterlyQuery } from './report.dto.js';
import { ReportsService } from './reports.service.js';

function send(res: Response, format: string, name: string, body: unknown): unknown {
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', attachment(`${name}.csv`));
    return body;
  }
  if (format === 'pdf') return new StreamableFile(body as Buffer, { type: 'application/pdf', disposition: attachment(`${name}.pdf`) });
  return body;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly histories: HistoryService,
    private readonly quarterly: QuarterlyService,
  ) {}

  @Get('reports/quarterly')
  @Roles('sheriff')
  @LogAccess('report.quarterly')
  @ApiOperation({
    summary:
      "Quarterly statistical review (people whose first detainer was received in the quarter, each facility's calendar), with the quarter before: JSON, CSV (one row per figure and group) or PDF; rows=people: one CSV row per custody record.",
  })
  @ApiQuery({ name: 'facilityId', required: false, description: 'one facility; all when absent' })
  @ApiQuery({ name: 'quarter', required: true, description: 'e.g. 2025-Q1' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'pdf'] })
  @ApiQuery({ name: 'rows', required: false, enum: ['people'], description: 'one CSV row per custody record of the quarter' })
  @ApiQuery({ name: 'names', required: false, enum: ['true', 'false'], description: 'with rows=people: names and A-numbers, for roles that see them (admin)' })
  async quarterlyReview(@Req() req: AuthedRequest, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(quarterlyQuery, query);
    const facilityId = q.facilityId ?? null;
    const name = `quarterly-${facilityId ?? 'all'}-${q.quarter.year}-Q${q.quarter.q}`;
    if (q.rows === 'people') return send(res, 'csv', `${name}-people`, await this.quarterly.people(facilityId, q.quarter, q.names, req.principal!.role));
    const report = await this.quarterly.report(facilityId, q.quarter);
    const body = q.format === 'csv' ? this.quarterly.csv(report) : q.format === 'pdf' ? await quarterlyPdf(report) : report;
    return send(res, q.format, name, body);
  }

  @Get('reports/compliance')
  @Roles('sheriff')
  @LogAccess('report.compliance')
  @ApiOperation({
    summary:
      'Compliance report for a facility (or all) and period, computed in SQL: one population per figure, stated, and every table adding up to its headline (reconciles). JSON, CSV (one row per figure, in words) or PDF (charts, the late list, definitions). The late list itself: heldPastLimit.list.',
  })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiQuery({ name: 'from', required: true, description: "a date YYYY-MM-DD (midnight in each facility's own time zone) or an ISO 8601 instant with offset" })
  @ApiQuery({ name: 'to', required: true, description: 'exclusive; of the same kind as from' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'pdf'] })
  async compliance(@Req() req: AuthedRequest, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(complianceQuery, query);
    const period = { facilityId: q.facilityId ?? null, from: q.from, to: q.to };
    const report = await this.reports.compliance(period);
    const body = q.format === 'csv' ? this.reports.complianceCsv(report) : q.format === 'pdf' ? await this.reports.compliancePdf(report, period, req.principal!.role) : report;
    return send(res, q.format, `compliance-${q.facilityId ?? 'all'}-${report.from.slice(0, 10)}`, body);
  }

  @Get('reports/illinois-trust-act')
  @Roles('sheriff')
  @LogAccess('report.illinois-trust-act')
  @ApiOperation({ summary: 'Per-detainer annual report of 5 ILCS 805/25, without personal identifiers. JSON or CSV.' })
  async illinois(@Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(illinoisQuery, query);
    const report = await this.reports.illinois(q.facilityId, q.year);
    return send(res, q.format, `illinois-trust-act-${q.facilityId}-${q.year}`, q.format === 'csv' ? this.reports.illinoisCsv(report) : report);
  }

  @Get('bookings/:bookingId/history')
  @Roles('counsel', 'supervisor')
  @LogAccess('history.booking')
  @ApiOperation({ summary: "A booking's complete hold history: events as received with hashes, each hold explained. JSON, CSV or PDF." })
  @ApiQuery({ name: 'facilityId', required: false, description: 'needed when the booking id exists in several facilities' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'pdf'] })
  async bookingHistory(@Req() req: AuthedRequest, @Param('bookingId') bookingId: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(historyQuery, query);
    const h = await this.histories.forBooking(bookingId, q.facilityId, req.principal!);
    const body = q.format === 'csv' ? this.histories.csv([h]) : q.format === 'pdf' ? await historyPdf([h], `Hold history — booking ${bookingId}`) : h;
    return send(res, q.format, `history-${bookingId}`, body);
  }

  @Get('people/:personId/history')
  @Roles('counsel', 'supervisor')
  @LogAccess('history.person')
  @ApiOperation({ summary: "A person's hold histories across bookings. JSON, CSV or PDF." })
  @ApiQuery({ name: 'facilityId', required: false, description: "only the person's bookings in this facility (person ids are each jail system's own)" })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'pdf'] })
  async personHistory(@Req() req: AuthedRequest, @Param('personId') personId: string, @Query() query: unknown, @Res({ passthrough: true }) res: Response) {
    const q = parseOrThrow(historyQuery, query);
    const h = await this.histories.forPerson(personId, q.facilityId, req.principal!);
    const body = q.format === 'csv' ? this.histories.csv(h.bookings) : q.format === 'pdf' ? await historyPdf(h.bookings, `Hold history — person ${personId}`) : h;
    return send(res, q.format, `history-person-${personId}`, body);
  }
}
