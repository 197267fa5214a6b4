import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LogAccess } from '../audit/access-log.interceptor.js';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { attachment } from '../common/content-disposition.js';
import { isoUtc } from '../common/instant.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { ARCHIVE_TYPE } from './event-archive.js';
import { EventArchiveService } from './event-archive.service.js';
import { EventLogRepository } from './event-log.repository.js';
import { CLOCK_SKEW_MS, EVENT_SCHEMAS, MAX_BATCH } from './event.schema.js';
import { IngestionService } from './ingestion.service.js';

const rejectedQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().regex(/^\d{1,18}$/, 'is not a cursor this API gave out').optional(),
  })
  .strict();

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
  ) {}

  @Get('export')
  @LogAccess('events.export')
  @ApiOperation({
    summary: 'Every event of a facility (or of all), retractions included, in the order stored, as NDJSON (admin): a backup, or the way to move a jail to another instance.',
    description: 'One line per event: {"event": <as sent>, "receivedAt": "..."} in canonical JSON; the same log always gives the same bytes. Streamed. POST /api/events/restore (or npm run import -- --ndjson FILE) puts it back.',
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
    description: 'Each event goes through ingestion as received at its receivedAt, so the restored log has the same order, hashes and chain, and gives the same holds. Facilities must be configured first. Idempotent: lines already restored are duplicates. A line that cannot be restored is refused and kept with the refused events.',
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
  @ApiOperation({ summary: 'Events that were refused, with the reasons, newest first (admin).' })
  async rejected(@Query() query: unknown) {
    const q = parseOrThrow(rejectedQuery, query);
    const rows = await this.log.listRejected(q.limit + 1, q.cursor ? Number(q.cursor) : null);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({ ...r, receivedAt: isoUtc(r.receivedAt) })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
    };
  }
}
