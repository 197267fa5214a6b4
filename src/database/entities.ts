import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { EventEntity, RejectedEventEntity } from '../events/event.entity.js';
import { FacilityEntity, FacilityPolicyEntity } from '../facilities/facility.entity.js';
import { BookingEntity, DetainerEntity, HoldEntity } from '../holds/hold.entity.js';

export const ENTITIES = [FacilityEntity, FacilityPolicyEntity, ApiKeyEntity, EventEntity, RejectedEventEntity, BookingEntity, DetainerEntity, HoldEntity];
