import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { Authenticator } from './authenticator.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { SessionController } from './session.controller.js';

@Module({
  controllers: [ApiKeysController, SessionController],
  // Order matters: identify the key first, then count its requests.
  providers: [ApiKeysService, Authenticator, { provide: APP_GUARD, useClass: ApiKeyGuard }, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [ApiKeysService, Authenticator],
})
export class AuthModule {}
