import { DateTime } from 'luxon';

/**
 * 24-hour local time with the zone named, one format everywhere (API sentences, PDFs, the page's
 * web/format.js `localClock`): "Tue 8 Apr 2025 10:00 EDT".
 */
export const localText = (msValue: number, zone: string) => DateTime.fromMillis(msValue, { zone }).setLocale('en-US').toFormat('ccc d LLL yyyy HH:mm ZZZZ');
