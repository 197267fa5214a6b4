import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LogAccess } from '../audit/access-log.interceptor.js';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { attachment } from '../common/content-disposition.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { ARCHIVE_TYPE } from './event-archive.js';
import { EventArchiveService } from './event-archive.service.js';
import { EventLogRepository } from './event-log.repository.js';
import { CLOCK_SKEW_MS, EVENT_SCHEMAS, MAX_BATCH } from './event.schema.js';
import { IngestionService } from './ingestion.service.js';
import { dismissBody, refusalParams, rejectedQuery, resendBody } from './refusals.dto.js';
import { RefusalsService } from './refusals.service.js';

const exportQuery = z.strictObject({ facilityId: z.string().min(1).max(128).optional() });

const oneEvent = { oneOf: Object.values(EVENT_SCHEMAS).map((s) => z.toJSONSchema(s, { io: 'input' })) };

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly log: EventLogRepository,
    private readonly archive: EventArchiveService,
    private readonly refusals: RefusalsService,
  ) {}

  @Get('export')
  @LogAccess('events.export')
  @ApiOperation({
    summary: 'Every event of a facility (or of all), retractions included, in the order stored, as NDJSON (admin): a backup, or the way to move a jail to another instance.',
    description:
      'One line per event: {"event": <as sent>, "receivedAt": "..."} in canonical JSON; the same log always gives the same bytes. Streamed. POST /api/events/restore (or npm run import -- --ndjson FILE) puts it back.',
  })
  @ApiQuery({ name: 'facilityId', required: false })
  @ApiProduces(ARCHIVE_TYPE)
  async export(@Query() query: unknown) {
    const q = parseOrThrow(exportQuery, query);
    const lines = await this.archive.lines(q.facilityId ?? null);
    return new StreamableFile(Readable.from(lines), { type: ARCHIVE_TYPE, disposition: attachment(`events-${q.facilityId ?? 'all'}.ndjson`) });
  }

  @Post('restore')
  @HttpCode(200)
  @ApiOperation({
    summary: `Restore up to ${MAX_BATCH} lines of an export (NDJSON, as GET /api/events/export wrote them) (admin).`,
    description:
      'Each event goes through ingestion as received at its receivedAt, so the restored log has the same order, hashes and chain, and gives the same holds. Facilities must be configured first. Idempotent: lines already restored are duplicates. A line that cannot be restored is refused and kept with the refused events.',
  })
  @ApiConsumes(ARCHIVE_TYPE)
  @ApiBody({ schema: { type: 'string', description: 'NDJSON lines of an export' } })
  restore(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.archive.restore(Buffer.isBuffer(body) ? body : Buffer.alloc(0), req.principal?.keyId ?? null);
  }

  @Post()
  @HttpCode(200)
  @Roles('ingest')
  @ApiOperation({
    summary: `Send one event, or { "events": [...] } with up to ${MAX_BATCH}, applied in order. Idempotent by eventId.`,
    description: `A custody end (booking.released, booking.custody_transferred) dated more than ${CLOCK_SKEW_MS / 60_000} minutes after its receipt is refused (occurredAt): it would close a hold while the person is still held.`,
  })
  @ApiBody({ schema: { oneOf: [oneEvent, { type: 'object', properties: { events: { type: 'array', maxItems: MAX_BATCH, items: oneEvent } }, required: ['events'] }] } as object })
  ingest(@Req() req: AuthedRequest, @Body() body: unknown) {
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const only = req.principal?.facilityIds ? new Set(req.principal.facilityIds) : null;
    return this.ingestion.receiveRaw(raw, { json: typeof req.is('application/json') === 'string', contentType: req.headers['content-type'] ?? null }, req.principal?.keyId ?? null, only);
  }

  @Get('rejected')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Events that were refused, with the reasons and how each was resolved, newest first (supervisor, admin).' })
  @ApiQuery({ name: 'state', required: false, enum: ['open', 'all'], description: 'open: not yet resent or dismissed' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  rejected(@Query() query: unknown) {
    return this.refusals.list(parseOrThrow(rejectedQuery, query));
  }

  @Post('rejected/:id/resend')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Send a refused event again, corrected: { "event": {...} } goes through every check of POST /api/events (a refusal answers 400 and is kept). Records who and when.' })
  @ApiBody({ schema: { type: 'object', properties: { event: oneEvent }, required: ['event'] } as object })
  resend(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { event } = parseOrThrow(resendBody, body ?? {});
    return this.refusals.resend(parseOrThrow(refusalParams, { id }).id, event, req.principal!);
  }

  @Post('rejected/:id/dismiss')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Dismiss a refused event with a reason (nothing to send again). Records who and when; the refusal is kept.' })
  @ApiBody({ schema: z.toJSONSchema(dismissBody) as object })
  dismiss(@Req() req: AuthedRequest, @Param('id') id: string, @Body() body: unknown) {
    const { reason } = parseOrThrow(dismissBody, body ?? {});
    return this.refusals.dismiss(parseOrThrow(refusalParams, { id }).id, reason, req.principal!);
  }
}
