import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isoUtc } from '../common/instant.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { ImportsRepository, type ImportFileRow } from './imports.repository.js';
import { ImportsService, type UploadQuery } from './imports.service.js';
import { MAPPING_NAME, MappingLibrary } from './mapping-library.js';

const id = z.string().min(1).max(128);

const inForceBody = z.strictObject({
  facilityId: id,
  idPrefix: z.string().min(2).max(64),
  bookingIds: z.array(id).min(1).max(10_000),
});

const rejectsBody = z.strictObject({
  facilityId: id,
  file: z.string().min(1).max(1000),
  rejects: z
    .array(z.strictObject({ line: z.number().int().min(0), content: z.string().max(100_000), reason: z.string().min(1).max(10_000) }))
    .min(1)
    .max(5000),
});

const listQuery = z.strictObject({
  facilityId: id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'is not a cursor this API gave out')
    .optional(),
});

const uploadQuery = z.strictObject({
  mapping: z.string({ error: 'is required: the name of a mapping (GET /api/imports/mappings)' }).regex(MAPPING_NAME, 'is not a mapping name'),
  facilityId: id.optional(),
  file: z
    .string({ error: "is required: the file's name" })
    .min(1)
    .max(200)
    // eslint-disable-next-line no-control-regex -- control characters are what this refuses
    .refine((f) => !/[/\\\u0000-\u001f\u007f]/.test(f) && f !== '.' && f !== '..', 'must be a file name, without folders or control characters'),
});
const confirmQuery = uploadQuery.extend({ sha256: z.string({ error: 'is required: the sha256 the preview answered' }).regex(/^[0-9a-f]{64}$/, 'must be the sha256 the preview answered') });

/** The bytes of an upload: the body as it arrives, unless a JSON parser took it (the file must be sent as it is). */
function uploadBody(req: AuthedRequest): AsyncIterable<Uint8Array> {
  if (req.is('application/json') || (req.body !== undefined && !Buffer.isBuffer(req.body) && req.readableEnded)) {
    throw new DomainError('unsupported_media_type', 'send the file as it is, with Content-Type application/octet-stream (or text/csv, application/xml)', {
      errors: [{ field: 'Content-Type', message: 'must not be application/json' }],
    });
  }
  const parsed = Buffer.isBuffer(req.body) ? req.body : null;
  return parsed
    ? (async function* () {
        yield parsed;
      })()
    : req;
}

const uploadQueries = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  ApiQuery({ name: 'mapping', required: true, description: 'a mapping name (GET /api/imports/mappings)' })(target, key, descriptor);
  ApiQuery({ name: 'facilityId', required: false, description: "default: the mapping's facility" })(target, key, descriptor);
  ApiQuery({ name: 'file', required: true, description: "the file's name, reported and kept with its rejects as upload/NAME" })(target, key, descriptor);
  ApiConsumes('application/octet-stream', 'text/csv', 'application/xml')(target, key, descriptor);
  ApiBody({ schema: { type: 'string', format: 'binary', description: 'the export file, as it is' } })(target, key, descriptor);
};

/** What the importer (npm run import) asks of the server besides POST /api/events. */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  constructor(
    private readonly repo: ImportsRepository,
    private readonly clock: Clock,
    private readonly library: MappingLibrary,
    private readonly imports: ImportsService,
  ) {}

  @Post('preview')
  @HttpCode(200)
  @uploadQueries()
  @ApiOperation({
    summary:
      'Upload an export to see what importing it would do, nothing stored (admin): rows read, bookings, detainers, events by type, retractions, every reject (the first 1,000 listed) and notes; and its sha256, to confirm with.',
  })
  preview(@Req() req: AuthedRequest, @Query() query: unknown) {
    const q: UploadQuery = parseOrThrow(uploadQuery, query);
    return this.imports.previewUpload(uploadBody(req), q);
  }

  @Post('uploads')
  @HttpCode(200)
  @uploadQueries()
  @ApiQuery({ name: 'sha256', required: true, description: 'what the preview answered: the file must be the one previewed' })
  @ApiOperation({
    summary:
      'Import an export after its preview (admin): the same file, sent again with the sha256 the preview gave; imported once (the same content again is a duplicate). Answers its record, as GET /api/imports/files lists it.',
  })
  async upload(@Req() req: AuthedRequest, @Query() query: unknown) {
    const q = parseOrThrow(confirmQuery, query);
    return fileView(await this.imports.confirmUpload(uploadBody(req), q, req.principal?.keyId ?? null));
  }

  @Post('events-in-force')
  @HttpCode(200)
  @Roles('ingest')
  @ApiOperation({
    summary: 'Ids of the events in force (not retracted) of these bookings whose id starts with idPrefix: what an earlier import made, so a corrected file can retract what it no longer gives.',
  })
  async eventsInForce(@Req() req: AuthedRequest, @Body() body: unknown) {
    const b = parseOrThrow(inForceBody, body);
    await this.facility(req, b.facilityId);
    return { events: await this.repo.eventsInForce(b.facilityId, b.idPrefix, b.bookingIds) };
  }

  @Post('rejects')
  @HttpCode(200)
  @Roles('ingest')
  @ApiOperation({ summary: 'Keep records an import could not map (file, line, content, reason); the same reject sent again is kept once.' })
  async keepRejects(@Req() req: AuthedRequest, @Body() body: unknown) {
    const b = parseOrThrow(rejectsBody, body);
    await this.facility(req, b.facilityId);
    const kept = await this.repo.keepRejects(b.facilityId, b.file, b.rejects, new Date(this.clock.now()), req.principal?.keyId ?? null);
    return { kept, alreadyKept: b.rejects.length - kept };
  }

  @Get('rejects')
  @ApiOperation({ summary: 'What imports could not map, newest first, with file, line, content and reason (admin).' })
  async listRejects(@Query() query: unknown) {
    const q = parseOrThrow(listQuery, query);
    const rows = await this.repo.listRejects(q.facilityId ?? null, q.limit + 1, q.cursor ? Number(q.cursor) : null);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({ ...r, receivedAt: isoUtc(r.receivedAt) })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null,
    };
  }

  @Get('files')
  @ApiOperation({
    summary:
      'Files imported from the watched folder (IMPORT_DIR) or uploaded, newest first: mapping, facility, content hash, how each ended (imported, refused, failed, duplicate), its counts and where it was moved (admin). Its rejects: GET /api/imports/rejects.',
  })
  async listFiles(@Query() query: unknown) {
    const q = parseOrThrow(listQuery, query);
    const rows = await this.repo.listFiles(q.facilityId ?? null, q.limit + 1, q.cursor ? Number(q.cursor) : null);
    const page = rows.slice(0, q.limit);
    return { items: page.map(fileView), nextCursor: rows.length > q.limit ? String(page[page.length - 1].id) : null };
  }

  @Get('mappings')
  @ApiOperation({ summary: "The mappings the server imports with: a jail's own in IMPORT_DIR, and the shipped ones (admin)." })
  mappings() {
    return { items: this.library.list() };
  }

  /**
   * A facility this key may import for, and one that is configured. A key limited to facilities is
   * refused any other before anything is looked up: alike whether that facility, or its bookings, exist.
   */
  private async facility(req: AuthedRequest, facilityId: string): Promise<void> {
    const only = req.principal?.facilityIds;
    if (only && !only.includes(facilityId)) throw new DomainError('forbidden', `this API key may import only for ${only.map((f) => `"${f}"`).join(', ')}`);
    if (!(await this.repo.facilityExists(facilityId))) throw DomainError.validation([{ field: 'facilityId', message: 'is not a configured facility' }]);
  }
}

export function fileView(r: ImportFileRow) {
  return { ...r, startedAt: isoUtc(r.startedAt), finishedAt: isoUtc(r.finishedAt) };
}
