/** Deterministic invented rows for the attacker personas: plausible for the query, never fetched. */
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function inventRows(
  info: Record<string, unknown>,
  count: number,
  offset: number,
): Record<string, unknown>[] {
  const q = info.query as Record<string, unknown>;
  const rows: Record<string, unknown>[] = [];
  for (let i = offset; i < offset + count; i++) {
    const month = (i % 12) + 1;
    rows.push({
      typeCode: 'C',
      freqCode: 'M',
      period: `${q.year}${pad(month, 2)}`,
      refYear: q.year,
      refMonth: month,
      reporterCode: q.reporterCode,
      reporterISO: q.reporterISO,
      partnerCode: q.partnerCode,
      partnerISO: q.partnerISO,
      flowCode: Math.floor(i / 12) % 2 === 0 ? 'M' : 'X',
      cmdCode: `${q.hs_chapter}${pad((Math.floor(i / 24) * 37 + 11) % 10000, 4)}`,
      qtyUnitCode: 8,
      qty: 1000 + i,
      netWgt: 1000 + i,
      primaryValue: 12345.67 + i,
      is_total: false,
    });
  }
  return rows;
}
