/**
 * Ground-truth rows by index and the served stream (real rows plus artefacts) by position.
 * Nothing is materialised: a row is generated from `(data key, index)` whenever it is needed.
 */
import { QTY_UNITS, WORLD } from './catalogue.js';
import type { Instance } from './instance.js';
import { VERSION_FIELDS } from './faults/stale.js';
import { hash } from './rng.js';
import type { ResolvedTask } from './task-spec.js';

/** A row as the API serves it (without the per-copy `row_id`). */
export interface TradeRow {
  typeCode: string;
  freqCode: string;
  period: string;
  refYear: number;
  refMonth: number;
  reporterCode: number;
  reporterISO: string;
  partnerCode: number;
  partnerISO: string;
  flowCode: string;
  cmdCode: string;
  qtyUnitCode: number;
  qty: number;
  netWgt: number;
  primaryValue: number;
  is_total: boolean;
  /** Served rows only: unique per served copy, `r<request>.<index>`. */
  row_id?: string | undefined;
}

export type FieldType = 'string' | 'integer' | 'number' | 'boolean';

/** A field of a row schema. `minimum`: the judge counts a smaller number as schema-invalid. */
export interface SchemaField {
  readonly name: string;
  readonly type: FieldType;
  readonly minimum?: number;
}

/**
 * The row schema given by get_task_info, in serving order. `minimum: 0`: the amounts (qty, netWgt,
 * primaryValue) of a trade record are never negative (the generator never makes one), so the judge counts
 * a row with a negative amount as schema-invalid (docs/benchmark.md, the judge's definitions).
 */
export const ROW_SCHEMA: ReadonlyArray<SchemaField & { readonly name: keyof TradeRow }> = [
  { name: 'typeCode', type: 'string' },
  { name: 'freqCode', type: 'string' },
  { name: 'period', type: 'string' },
  { name: 'refYear', type: 'integer' },
  { name: 'refMonth', type: 'integer' },
  { name: 'reporterCode', type: 'integer' },
  { name: 'reporterISO', type: 'string' },
  { name: 'partnerCode', type: 'integer' },
  { name: 'partnerISO', type: 'string' },
  { name: 'flowCode', type: 'string' },
  { name: 'cmdCode', type: 'string' },
  { name: 'qtyUnitCode', type: 'integer' },
  { name: 'qty', type: 'number', minimum: 0 },
  { name: 'netWgt', type: 'number', minimum: 0 },
  { name: 'primaryValue', type: 'number', minimum: 0 },
  { name: 'is_total', type: 'boolean' },
];

/** The column order of a page in `columns` form (src/core/row-format.ts): row_id, then the schema fields. */
export const COLUMNS: readonly string[] = Object.freeze(['row_id', ...ROW_SCHEMA.map((f) => f.name)]);

/** The row schema of a task whose records have versions (fault kind `stale`): ROW_SCHEMA, then VERSION_FIELDS. */
export const VERSIONED_ROW_SCHEMA: readonly SchemaField[] = Object.freeze([...ROW_SCHEMA, ...VERSION_FIELDS]);
const VERSIONED_COLUMNS: readonly string[] = Object.freeze([
  'row_id',
  ...VERSIONED_ROW_SCHEMA.map((f) => f.name),
]);

/** A task's row schema: ROW_SCHEMA, extended by the fields its fault kinds add (only `stale` adds any). */
export function rowSchemaOf(task: ResolvedTask): readonly SchemaField[] {
  return task.faults.stale === undefined ? ROW_SCHEMA : VERSIONED_ROW_SCHEMA;
}

/** A task's column order in `columns` form: row_id, then its row schema's fields. */
export function columnsOf(task: ResolvedTask): readonly string[] {
  return task.faults.stale === undefined ? COLUMNS : VERSIONED_COLUMNS;
}

/** A served row's values in COLUMNS order. */
export function columnValues(row: TradeRow): unknown[] {
  return COLUMNS.map((c) => row[c as keyof TradeRow]);
}

export const PRIMARY_KEY = ['period', 'reporterCode', 'partnerCode', 'flowCode', 'cmdCode'] as const;

/** Commodity codes are a bijection of the commodity index: suffix = (index * A + offset) mod 10000. */
const CMD_MULTIPLIER = 7919;
const CMD_MODULUS = 10000;
const CMD_INVERSE = modInverse(CMD_MULTIPLIER, CMD_MODULUS);
/** Rows per commodity: 12 months x 2 flows. */
const PER_CMD = 24;

function modInverse(a: number, m: number): number {
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

// Per-row amounts, each a stateless hash of (data key, index); no intermediate objects.
const qtyUnitOf = (dataKey: number, i: number) =>
  QTY_UNITS[hash(dataKey, 1, (i / PER_CMD) | 0) % QTY_UNITS.length]!;
const netWgtOf = (dataKey: number, i: number) => 1 + (hash(dataKey, 2, i) % 5_000_000);
const qtyOf = (dataKey: number, i: number, unit: number, netWgt: number) =>
  unit === 8 ? netWgt : 1 + (hash(dataKey, 3, i) % 100_000);
const centsOf = (dataKey: number, i: number) => 1000 + (hash(dataKey, 4, i) % 2_000_000_000);

/** "YYYYMM" for month 1..12 of the query year (made once per instance). */
function periodOf(inst: Instance, month: number): string {
  return inst.periods[month - 1]!;
}

/** The 12 period strings of a query year. */
export function periodsOf(year: number): readonly string[] {
  return Array.from({ length: 12 }, (_, m) => `${year}${pad(m + 1, 2)}`);
}

const flowOf = (i: number) => (((i / 12) | 0) % 2 === 0 ? 'M' : 'X');

/** Row i's commodity code: the HS chapter and four digits, made once per commodity of the instance. */
function cmdCodeOf(inst: Instance, i: number): string {
  const cmdIdx = (i / PER_CMD) | 0;
  return (inst.cmdCodes[cmdIdx] ??=
    inst.query.hsChapter + pad((cmdIdx * CMD_MULTIPLIER + inst.cmdOffset) % CMD_MODULUS, 4));
}

/** Ground-truth row `i` (0 <= i < N), in canonical order; with `rowId`, as served. */
export function truthRow(inst: Instance, i: number, rowId?: string): TradeRow {
  const { query } = inst;
  const month = (i % 12) + 1;
  const dk = inst.keys.data;
  const unit = qtyUnitOf(dk, i);
  const netWgt = netWgtOf(dk, i);
  return {
    typeCode: 'C',
    freqCode: 'M',
    period: periodOf(inst, month),
    refYear: query.year,
    refMonth: month,
    reporterCode: query.reporter.code,
    reporterISO: query.reporter.iso,
    partnerCode: query.partner.code,
    partnerISO: query.partner.iso,
    flowCode: flowOf(i),
    cmdCode: cmdCodeOf(inst, i),
    qtyUnitCode: unit,
    qty: qtyOf(dk, i, unit, netWgt),
    netWgt,
    primaryValue: centsOf(dk, i) / 100,
    is_total: false,
    row_id: rowId,
  };
}

/**
 * Served rows as JSON text, written from stream positions without row objects, in either row format
 * (src/core/row-format.ts): `objectJson(pos, id)` is byte-identical to `JSON.stringify(streamRow(inst, pos,
 * id))` and `valuesJson(pos, id)` to `JSON.stringify(columnValues(streamRow(inst, pos, id)))` (tested). No
 * value of a row needs JSON escaping (fixed codes, ISO codes, digits, `r<n>.<k>` ids), so the fixed text
 * between the values is made once per instance.
 */
export class RowWriter {
  private readonly objectTexts: RowTexts;
  private readonly valueTexts: RowTexts;

  constructor(private readonly inst: Instance) {
    const q = inst.query;
    this.objectTexts = {
      period: '{"typeCode":"C","freqCode":"M","period":"',
      refMonth: `","refYear":${q.year},"refMonth":`,
      flowCode:
        `,"reporterCode":${q.reporter.code},"reporterISO":"${q.reporter.iso}",` +
        `"partnerCode":${q.partner.code},"partnerISO":"${q.partner.iso}","flowCode":"`,
      cmdCode: '","cmdCode":"',
      qtyUnitCode: '","qtyUnitCode":',
      qty: ',"qty":',
      netWgt: ',"netWgt":',
      primaryValue: ',"primaryValue":',
      end: ',"is_total":false,"row_id":"',
    };
    this.valueTexts = {
      period: '","C","M","',
      refMonth: `",${q.year},`,
      flowCode: `,${q.reporter.code},"${q.reporter.iso}",${q.partner.code},"${q.partner.iso}","`,
      cmdCode: '","',
      qtyUnitCode: '",',
      qty: ',',
      netWgt: ',',
      primaryValue: ',',
      end: ',false]',
    };
  }

  /** A served row in `objects` form (row_id last). */
  objectJson(pos: number, rowId: string): string {
    const src = sourceAt(this.inst, pos);
    if (src < 0) return JSON.stringify(totalsRow(this.inst, -src - 1, rowId));
    return `${this.realRow(this.objectTexts, src)}${rowId}"}`;
  }

  /** A served row in `columns` form: its values, row_id first. */
  valuesJson(pos: number, rowId: string): string {
    const src = sourceAt(this.inst, pos);
    if (src < 0) return JSON.stringify(columnValues(totalsRow(this.inst, -src - 1, rowId)));
    return `["${rowId}${this.realRow(this.valueTexts, src)}`;
  }

  /** Real row i's values, each after its fixed text in `t`, then `t.end`. */
  private realRow(t: RowTexts, i: number): string {
    const inst = this.inst;
    const month = (i % 12) + 1;
    const dk = inst.keys.data;
    const unit = qtyUnitOf(dk, i);
    const netWgt = netWgtOf(dk, i);
    return (
      t.period +
      inst.periods[month - 1]! +
      t.refMonth +
      month +
      t.flowCode +
      flowOf(i) +
      t.cmdCode +
      cmdCodeOf(inst, i) +
      t.qtyUnitCode +
      unit +
      t.qty +
      qtyOf(dk, i, unit, netWgt) +
      t.netWgt +
      netWgt +
      t.primaryValue +
      centsOf(dk, i) / 100 +
      t.end
    );
  }
}

/**
 * The fixed text of a real row in one row format, named by the value that follows it (the values a row's
 * instance does not fix: period, refMonth, flowCode, cmdCode and the amounts), and the text after the last.
 */
interface RowTexts {
  readonly period: string;
  readonly refMonth: string;
  readonly flowCode: string;
  readonly cmdCode: string;
  readonly qtyUnitCode: string;
  readonly qty: string;
  readonly netWgt: string;
  readonly primaryValue: string;
  readonly end: string;
}

/** Cents of primaryValue of ground-truth row `i` (exact integer arithmetic for sums). */
export function truthCents(inst: Instance, i: number): number {
  return centsOf(inst.keys.data, i);
}

/** Slots of the query's key space (10,000 commodity codes x 24): every well-formed key has one. */
export const KEY_SLOTS = CMD_MODULUS * PER_CMD;

/**
 * The slot of a key in the query's key space [0, KEY_SLOTS): the ground-truth index when < N. -1 when the
 * key is not of this query's form (other reporter, partner, year or chapter, or malformed codes). Inverts
 * the generator in O(1): no lookup table is kept.
 */
export function keySlot(
  inst: Instance,
  period: string,
  reporterCode: number,
  partnerCode: number,
  flowCode: string,
  cmdCode: string,
): number {
  const { query } = inst;
  if (reporterCode !== query.reporter.code || partnerCode !== query.partner.code) return -1;
  if (period.length !== 6 || flowCode.length !== 1 || cmdCode.length !== 6) return -1;
  if (digits(period, 0, 4) !== query.year) return -1;
  const month = digits(period, 4, 6);
  if (month < 1 || month > 12) return -1;
  if (flowCode !== 'M' && flowCode !== 'X') return -1;
  if (
    cmdCode.charCodeAt(0) !== query.hsChapter.charCodeAt(0) ||
    cmdCode.charCodeAt(1) !== query.hsChapter.charCodeAt(1)
  )
    return -1;
  const suffix = digits(cmdCode, 2, 6);
  if (suffix < 0) return -1;
  const cmdIdx = (((suffix - inst.cmdOffset) % CMD_MODULUS) + CMD_MODULUS) % CMD_MODULUS;
  const idx = (cmdIdx * CMD_INVERSE) % CMD_MODULUS; // < 1e8: exact in a double
  return idx * PER_CMD + (flowCode === 'M' ? 0 : 12) + (month - 1);
}

/** The decimal value of s[from, to) if it is all ASCII digits, else -1. */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Cents of primaryValue of totals row `t`: the sum over its block of real rows. */
export function totalsCents(inst: Instance, t: number): number {
  const info = inst.totals[t]!;
  const dk = inst.keys.data;
  let cents = 0;
  for (let i = info.blockStart; i <= info.blockEnd; i++) cents += centsOf(dk, i);
  return cents;
}

/** Totals row number `t` of the instance, with its block sums; with `rowId`, as served. */
export function totalsRow(inst: Instance, t: number, rowId?: string): TradeRow {
  const info = inst.totals[t]!;
  let qty = 0;
  let netWgt = 0;
  const dk = inst.keys.data;
  for (let i = info.blockStart; i <= info.blockEnd; i++) {
    const w = netWgtOf(dk, i);
    qty += qtyOf(dk, i, qtyUnitOf(dk, i), w);
    netWgt += w;
  }
  const month = (t % 12) + 1;
  return {
    typeCode: 'C',
    freqCode: 'M',
    period: periodOf(inst, month),
    refYear: inst.query.year,
    refMonth: month,
    reporterCode: inst.query.reporter.code,
    reporterISO: inst.query.reporter.iso,
    partnerCode: WORLD.code,
    partnerISO: WORLD.iso,
    flowCode: t < 12 ? 'M' : 'X',
    cmdCode: 'TOTAL',
    qtyUnitCode: 8,
    qty,
    netWgt,
    primaryValue: totalsCents(inst, t) / 100,
    is_total: true,
    row_id: rowId,
  };
}

/** Primary key of totals row `t` (without summing its block). */
export function totalsKey(inst: Instance, t: number): string {
  return `${periodOf(inst, (t % 12) + 1)}|${inst.query.reporter.code}|${WORLD.code}|${t < 12 ? 'M' : 'X'}|TOTAL`;
}

/** What sits at a stream position: a real row index (>= 0), or a totals row number t encoded as -(t+1). */
export function sourceAt(inst: Instance, pos: number): number {
  const a = artefactsBefore(inst, pos);
  return a < inst.artPos.length && inst.artPos[a] === pos ? inst.artSrc[a]! : pos - a;
}

/** How many artefacts sit before stream position `pos` (binary search; also the index of the first at or after it). */
export function artefactsBefore(inst: Instance, pos: number): number {
  const art = inst.artPos;
  let lo = 0;
  let hi = art.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (art[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row at a stream position; with `rowId`, as served. */
export function streamRow(inst: Instance, pos: number, rowId?: string): TradeRow {
  const src = sourceAt(inst, pos);
  return src >= 0 ? truthRow(inst, src, rowId) : totalsRow(inst, -src - 1, rowId);
}

/**
 * Whether a row equals ground-truth row `i` on every schema field but is_total (same JSON type, equal
 * value). The key fields are equal by construction when `i` came from keyToIndex, so only the rest is
 * compared, without building the truth row.
 */
export function matchesTruth(
  inst: Instance,
  i: number,
  row: Record<string, unknown>,
  cents: number = centsOf(inst.keys.data, i),
): boolean {
  const { query } = inst;
  const dk = inst.keys.data;
  const unit = qtyUnitOf(dk, i);
  const netWgt = netWgtOf(dk, i);
  return (
    row.typeCode === 'C' &&
    row.freqCode === 'M' &&
    row.refYear === query.year &&
    row.refMonth === (i % 12) + 1 &&
    row.reporterISO === query.reporter.iso &&
    row.partnerISO === query.partner.iso &&
    row.qtyUnitCode === unit &&
    row.netWgt === netWgt &&
    row.qty === qtyOf(dk, i, unit, netWgt) &&
    row.primaryValue === cents / 100
  );
}
