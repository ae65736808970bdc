/**
 * src/core/calendar.ts computes what Date computes, without Date: midnight UTC of a civil date (Date.UTC)
 * and the ISO text of a time in seconds (toISOString to the second), over four centuries in prime steps,
 * and on the days around every leap-year rule.
 */
import { expect, it } from 'vitest';
import { isoTime, utcSeconds } from '../../src/core/calendar.js';

const FROM = Date.UTC(1800, 0, 1) / 1000;
const TO = Date.UTC(2200, 0, 1) / 1000;
const platformIso = (s: number) => `${new Date(s * 1000).toISOString().slice(0, 19)}Z`;

it('isoTime equals Date#toISOString to the second, from 1800 to 2200', () => {
  let checked = 0;
  for (let s = FROM; s < TO; s += 999_983) {
    expect(isoTime(s), String(s)).toBe(platformIso(s));
    expect(isoTime(s + 0.75), String(s)).toBe(platformIso(s));
    checked += 1;
  }
  expect(checked).toBeGreaterThan(12_000);
});

it('utcSeconds equals Date.UTC, and both directions agree, around leap days and year ends', () => {
  for (const year of [1800, 1900, 1970, 1999, 2000, 2001, 2004, 2023, 2024, 2025, 2100, 2199])
    for (const [month, day] of [
      [1, 1],
      [2, 28],
      [2, 29],
      [3, 1],
      [12, 31],
    ] as const) {
      const s = utcSeconds(year, month, day);
      expect(s, `${year}-${month}-${day}`).toBe(Date.UTC(year, month - 1, day) / 1000);
      expect(isoTime(s + 86_399)).toBe(platformIso(s + 86_399));
    }
});
