/** Static reference data for generated rows: reporters/partners and quantity units. */

export interface Country {
  readonly code: number;
  readonly iso: string;
}

/** UN M49 codes and ISO3 codes of the economies an instance may draw from. */
export const COUNTRIES: readonly Country[] = [
  { code: 36, iso: 'AUS' },
  { code: 76, iso: 'BRA' },
  { code: 124, iso: 'CAN' },
  { code: 156, iso: 'CHN' },
  { code: 251, iso: 'FRA' },
  { code: 276, iso: 'DEU' },
  { code: 699, iso: 'IND' },
  { code: 360, iso: 'IDN' },
  { code: 381, iso: 'ITA' },
  { code: 392, iso: 'JPN' },
  { code: 484, iso: 'MEX' },
  { code: 528, iso: 'NLD' },
  { code: 410, iso: 'KOR' },
  { code: 643, iso: 'RUS' },
  { code: 682, iso: 'SAU' },
  { code: 710, iso: 'ZAF' },
  { code: 724, iso: 'ESP' },
  { code: 757, iso: 'CHE' },
  { code: 792, iso: 'TUR' },
  { code: 826, iso: 'GBR' },
  { code: 842, iso: 'USA' },
  { code: 704, iso: 'VNM' },
];

export function countryByIso(iso: string): Country | undefined {
  return COUNTRIES.find((c) => c.iso === iso);
}

/** The partner code and ISO used by totals rows (the "World" aggregate). */
export const WORLD: Country = { code: 0, iso: 'W00' };

/** Quantity unit codes (8 = kg, 5 = number of items, 12 = litres). */
export const QTY_UNITS: readonly number[] = [8, 5, 12];
