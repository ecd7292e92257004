/**
 * Time zones for the schedule form: the browser's own, the list the browser knows,
 * and the wall-clock times of the start and end dates read in the schedule's zone
 * (a `datetime-local` input has no zone; the schedule has one).
 */

/** The browser's IANA time zone (UTC when it cannot say). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every zone the browser knows, UTC first (some engines leave it out). */
export function timeZoneList(): string[] {
  const supported = (Intl as any).supportedValuesOf as
    ((key: string) => string[]) | undefined;
  let zones: string[] = [];
  try {
    zones = supported ? supported('timeZone') : [];
  } catch {
    zones = [];
  }
  const own = browserTimeZone();
  return [
    'UTC',
    ...(zones.includes(own) || own === 'UTC' ? [] : [own]),
    ...zones.filter(z => z !== 'UTC')
  ];
}

/** The zones whose name contains every word of `query` (case-insensitive). */
export function filterTimeZones(zones: string[], query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[\s/_]+/)
    .filter(Boolean);
  return zones.filter(zone => {
    const name = zone.toLowerCase();
    return words.every(w => name.includes(w));
  });
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetMs(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  }).formatToParts(new Date(instant));
  const get = (type: string) =>
    Number(parts.find(p => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second')
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * `2027-01-04T06:00` on the clocks of `zone` as an ISO instant in UTC
 * (`2027-01-04T05:00:00.000Z` for Europe/Berlin); null when not such a time or
 * the zone is unknown. A wall time a DST change skips maps past the gap.
 */
export function wallTimeToIso(local: string, zone: string): string | null {
  const m = LOCAL.exec(local.trim());
  if (!m) {
    return null;
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(v => Number(v ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  try {
    let instant = asUtc - offsetMs(asUtc, zone);
    // Once more with the offset at the instant found: right across a DST change.
    instant = asUtc - offsetMs(instant, zone);
    return new Date(instant).toISOString();
  } catch {
    return null;
  }
}

/** An ISO instant as `YYYY-MM-DDTHH:MM` on the clocks of `zone` (edit prefill). */
export function isoToWallTime(iso: string, zone: string): string {
  const instant = new Date(iso).getTime();
  if (isNaN(instant)) {
    return '';
  }
  try {
    const wall = new Date(instant + offsetMs(instant, zone));
    return wall.toISOString().slice(0, 16);
  } catch {
    return '';
  }
}

/** A firing time for people: in the schedule's zone, with the zone's short name. */
export function formatFiring(
  iso: string,
  zone: string,
  locale?: string
): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  try {
    return date.toLocaleString(locale, {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short'
    });
  } catch {
    return date.toLocaleString(locale);
  }
}
