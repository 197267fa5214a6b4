import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Oversight (issue 29): complaints and their workflow, notices due to the person, and the alerts
 * raised when a complaint or a notice is past due (unique per subject and kind: raised once,
 * however many instances sweep).
 */
export class Oversight1766600000000 implements MigrationInterface {
  name = 'Oversight1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE complaints (
        id                  uuid PRIMARY KEY,
        facility_id         text COLLATE "C" NOT NULL REFERENCES facilities(id),
        booking_id          text COLLATE "C",
        person_id           text COLLATE "C",
        -- the booking its events are chained under: booking_id, or complaint:<id> when it names none
        log_booking_id      text COLLATE "C" NOT NULL,
        category            text NOT NULL CHECK (category IN ('held_too_long', 'held_without_authority', 'claims_us_citizenship', 'access_to_counsel', 'treatment', 'other')),
        received_via        text NOT NULL CHECK (received_via IN ('in_person', 'written', 'phone', 'email', 'counsel', 'other')),
        narrative           text NOT NULL,
        state               text NOT NULL CHECK (state IN ('received', 'acknowledged', 'investigating', 'closed')),
        finding             text CHECK (finding IN ('substantiated', 'unsubstantiated', 'referred')),
        response            text,
        received_at         timestamptz NOT NULL,
        acknowledged_at     timestamptz,
        investigating_at    timestamptz,
        closed_at           timestamptz,
        acknowledge_due_at  timestamptz NOT NULL,
        close_due_at        timestamptz NOT NULL,
        filed_by_key_id     uuid NOT NULL,
        filed_by            text NOT NULL,
        CHECK ((state = 'closed') = (finding IS NOT NULL AND response IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX complaints_list ON complaints (received_at DESC, id DESC)`);
    await q.query(`CREATE INDEX complaints_acknowledge_due ON complaints (acknowledge_due_at) WHERE state = 'received'`);
    await q.query(`CREATE INDEX complaints_close_due ON complaints (close_due_at) WHERE state <> 'closed'`);
    await q.query(`
      CREATE TABLE notices (
        id            uuid PRIMARY KEY,
        facility_id   text COLLATE "C" NOT NULL REFERENCES facilities(id),
        booking_id    text COLLATE "C" NOT NULL,
        kind          text NOT NULL,
        -- what made it due: a detainer received, or an ICE contact logged; and which one
        after_event   text NOT NULL,
        after_ref     text COLLATE "C" NOT NULL,
        after_at      timestamptz NOT NULL,
        due_at        timestamptz NOT NULL,
        recipients    jsonb NOT NULL,
        citation      text,
        created_at    timestamptz NOT NULL,
        served_at     timestamptz,
        served_by     text,
        language      text,
        method        text,
        recorded_at   timestamptz,
        recorded_by   text,
        UNIQUE (facility_id, booking_id, kind, after_ref)
      )`);
    await q.query(`CREATE INDEX notices_unserved ON notices (due_at) WHERE served_at IS NULL`);
    await q.query(`
      CREATE TABLE oversight_alerts (
        id           uuid PRIMARY KEY,
        kind         text NOT NULL CHECK (kind IN ('complaint_acknowledgement_overdue', 'complaint_closure_overdue', 'notice_late')),
        subject_id   uuid NOT NULL,
        facility_id  text COLLATE "C" NOT NULL,
        booking_id   text COLLATE "C",
        due_at       timestamptz NOT NULL,
        raised_at    timestamptz NOT NULL,
        UNIQUE (subject_id, kind)
      )`);
    await q.query(`CREATE INDEX oversight_alerts_list ON oversight_alerts (raised_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE oversight_alerts`);
    await q.query(`DROP TABLE notices`);
    await q.query(`DROP TABLE complaints`);
  }
}
