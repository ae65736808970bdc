/**
 * Calendar arithmetic on UTC seconds since 1970, without Date: src/core reads no clock and depends on no
 * platform object, so a time in a served page is a pure function of the seed. Proleptic Gregorian
 * calendar, by 400-year eras (146,097 days each); test/core/calendar-matches-the-platform-date.test.ts
 * checks both directions against Date.
 */

const DAY_S = 86_400;
const ERA_DAYS = 146_097;
/** Days from 0000-03-01 (the first day of era 0, years counted from March) to 1970-01-01. */
const EPOCH_DAYS = 719_468;

/** Seconds since 1970 of midnight UTC on `year`-`month`-`day` (month 1..12). */
export function utcSeconds(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return (era * ERA_DAYS + dayOfEra - EPOCH_DAYS) * DAY_S;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "YYYY-MM-DDTHH:MM:SSZ" of a time in seconds since 1970 (years 0..9999; fractions of a second dropped). */
export function isoTime(seconds: number): string {
  const t = Math.floor(seconds);
  const days = Math.floor(t / DAY_S);
  const s = t - days * DAY_S;
  const z = days + EPOCH_DAYS;
  const era = Math.floor(z / ERA_DAYS);
  const dayOfEra = z - era * ERA_DAYS;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const m = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * m + 2) / 5) + 1;
  const month = m < 10 ? m + 3 : m - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const clock = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${clock}Z`;
}
