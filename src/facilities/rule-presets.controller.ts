import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { PRESETS, presetView } from '../rules/presets/index.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('api/rule-presets')
export class RulePresetsController {
  @Get()
  @Roles('supervisor', 'sheriff')
  @ApiOperation({
    summary:
      "Ready rule sets a facility can start from (PUT /api/facilities/:id with preset, and rules to override): each with its jurisdiction, summary, the law it rests on, and whether every rule was checked against the law's text (verified) or why not (unverified). Not legal advice.",
  })
  list() {
    return { items: PRESETS.map(presetView) };
  }
}
