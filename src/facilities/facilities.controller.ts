import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../auth/roles.decorator.js';
import { parseOrThrow } from '../common/zod-validation.js';
import { facilityBody } from './facility.dto.js';
import { FacilitiesService } from './facilities.service.js';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('api/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilitiesService) {}

  @Put(':facilityId')
  @ApiOperation({ summary: 'Create or reconfigure a facility (admin). A changed policy becomes a dated version; holds are judged again.' })
  @ApiBody({ schema: z.toJSONSchema(facilityBody, { io: 'input', unrepresentable: 'any' }) as object })
  put(@Param('facilityId') id: string, @Body() body: unknown) {
    return this.facilities.put(id, parseOrThrow(facilityBody, body));
  }

  @Get(':facilityId')
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'A facility, its policy in force now and its policy history.' })
  get(@Param('facilityId') id: string) {
    return this.facilities.get(id);
  }

  @Get()
  @Roles('supervisor', 'sheriff')
  @ApiOperation({ summary: 'All facilities.' })
  async list() {
    return { items: await this.facilities.list() };
  }
}
