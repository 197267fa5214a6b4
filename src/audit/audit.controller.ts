import { Body, Controller, Delete, Get, HttpCode, Post, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedRequest } from '../auth/api-key.guard.js';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { AuditService, grantBody } from './audit.service.js';

const verifyQuery = z.object({ facilityId: z.string({ error: 'is required' }).min(1).max(128) }).strict();
const logQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor this API gave out')
      .optional(),
  })
  .strict();
const grantsQuery = z.object({ apiKeyId: z.uuid().optional() }).strict();

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('audit/verify')
  @Roles('sheriff')
  @ApiOperation({ summary: "Re-walk a facility's hash chain; names the first broken link." })
  verify(@Query() query: unknown) {
    return this.audit.verify(parseOrThrow(verifyQuery, query).facilityId);
  }

  @Get('audit/access-log')
  @ApiOperation({ summary: 'Who read which history or report, when and from where, newest first (admin).' })
  accessLog(@Query() query: unknown) {
    const q = parseOrThrow(logQuery, query);
    return this.audit.accessLog(q.limit, q.cursor ? Number(q.cursor) : null);
  }

  @Post('grants')
  @ApiOperation({ summary: 'Grant a counsel key the history of a booking or of a person, in one facility (admin). Name exactly one of bookingId or personId.' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        apiKeyId: { type: 'string', format: 'uuid' },
        facilityId: { type: 'string' },
        bookingId: { type: 'string' },
        personId: { type: 'string' },
        expected: { type: 'boolean', description: 'grant a booking or person not known yet (refused otherwise)' },
      },
      required: ['apiKeyId', 'facilityId'],
    },
  })
  grant(@Body() body: unknown) {
    return this.audit.grant(parseOrThrow(grantBody, body));
  }

  @Get('grants')
  @Roles('counsel')
  @ApiOperation({ summary: "Grants, optionally of one key (admin); a counsel key's own grants, whatever apiKeyId says (counsel)." })
  grants(@Req() req: AuthedRequest, @Query() query: unknown) {
    const q = parseOrThrow(grantsQuery, query);
    return this.audit.grants(req.principal!.role === 'counsel' ? req.principal!.keyId : (q.apiKeyId ?? null));
  }

  @Delete('grants/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a grant at once (admin).' })
  revoke(@Param('id') id: string) {
    return this.audit.revokeGrant(id);
  }
}
