import { Injectable } from '@nestjs/common';

/** The one clock of the app. Tests replace it with a FixedClock; nothing else reads Date.now(). */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}

export class FixedClock extends Clock {
  constructor(private current: number) {
    super();
  }
  override now(): number {
    return this.current;
  }
  set(ms: number | string): void {
    this.current = typeof ms === 'number' ? ms : Date.parse(ms);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
