import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '../common/clock.js';
import { isoUtc } from '../common/instant.js';
import type { AuthedRequest } from './api-key.guard.js';
import { ROLES } from './api-key.entity.js';
import { Roles } from './roles.decorator.js';

/** Who the caller is: the board signs in with it and shows what the key's role allows. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/session')
export class SessionController {
  constructor(private readonly clock: Clock) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: "The calling key's name and role, and the server's time (any role)." })
  whoami(@Req() req: AuthedRequest) {
    const { keyId, name, role } = req.principal!;
    return { keyId, name, role, serverTime: isoUtc(this.clock.now()) };
  }
}
