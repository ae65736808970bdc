// The score as a chart of the six dimensions against their maxima, with the judge's evidence in plain
// words. Everything shown comes from the breakdown the server returned; nothing is recomputed here.
import { fmt, h, plural } from './dom.js';

export const DIMENSION_NAMES = {
  correctness: 'Correctness',
  completeness: 'Completeness',
  robustness: 'Robustness',
  efficiency: 'Efficiency',
  data_quality: 'Data quality',
  observability: 'Observability',
};

const pct = (x) => `${fmt(x * 100, 1)} %`;

/** The judge's evidence for one dimension, in words. */
export function evidenceText(dimension, e = {}) {
  switch (dimension) {
    case 'correctness':
      return [
        `${fmt(e.exact)} of ${fmt(e.n)} rows exactly right`,
        e.foreign > 0 ? `${plural(e.foreign, 'row')} not in the data` : null,
      ]
        .filter(Boolean)
        .join('; ');
    case 'completeness':
      return `${fmt(e.present)} of ${fmt(e.n)} rows present`;
    case 'robustness':
      if (!e.faults) return 'no faults met';
      return [
        `${fmt(e.properly_recovered)} of ${plural(e.faults, 'fault')} recovered properly`,
        e.recovered !== e.properly_recovered ? `${fmt(e.recovered)} recovered at all` : null,
        e.logged === e.faults ? 'all logged' : `${fmt(e.logged)} logged`,
      ]
        .filter(Boolean)
        .join('; ');
    case 'efficiency':
      return `${plural(e.r, 'request')} (the reference plan needs ${fmt(e.r_star)}); ${fmt(e.t_s)} s of virtual time (reference ${fmt(e.t_star_s)} s)`;
    case 'data_quality': {
      const defects = [
        e.duplicates > 0 ? `${plural(e.duplicates, 'duplicate row')} submitted` : null,
        e.totals_kept > 0 ? `${plural(e.totals_kept, 'totals row')} kept` : null,
        e.malformed > 0 ? `${plural(e.malformed, 'malformed entry', 'malformed entries')}` : null,
        e.schema_invalid > 0 ? `${plural(e.schema_invalid, 'schema-invalid row')}` : null,
      ].filter(Boolean);
      const sum =
        e.sum_star > 0 && e.sum_error > 0
          ? `values off by ${pct(e.sum_error / e.sum_star)} of the true sum`
          : null;
      return [defects.length === 0 ? `no defective rows among ${fmt(e.submitted)}` : defects.join(', '), sum]
        .filter(Boolean)
        .join('; ');
    }
    case 'observability':
      if (!e.trace_length) return 'no requests to log';
      return [
        `${fmt(e.matched)} of ${plural(e.trace_length, 'request')} in the run log as the server saw them`,
        e.events > e.matched ? `${plural(e.events - e.matched, 'event')} matching no request` : null,
      ]
        .filter(Boolean)
        .join('; ');
    default:
      return '';
  }
}

/** The chart of a breakdown (null: an episode that ended without one). */
export function scoreChart(breakdown, caption) {
  if (!breakdown) return h('p', { class: 'muted' }, 'No score: the episode ended without a submission.');
  const ended =
    breakdown.end_reason === 'submitted'
      ? null
      : h(
          'p',
          { class: 'advice' },
          `Ended without a submission (${breakdown.end_reason}): every dimension scores 0.`,
        );
  return h(
    'div',
    { class: 'score-chart' },
    h(
      'div',
      { class: 'score-total' },
      h('strong', {}, fmt(breakdown.score)),
      h('span', { class: 'muted' }, '/ 100'),
      caption ? h('span', { class: 'pill' }, caption) : null,
    ),
    ended,
    h(
      'div',
      { class: 'dims', role: 'list' },
      Object.entries(DIMENSION_NAMES).map(([key, name]) => {
        const d = breakdown.dimensions?.[key] ?? { points: 0, max: 0, evidence: {} };
        const share = d.max > 0 ? d.points / d.max : 0;
        const cls = share >= 0.999 ? 'full' : share < 0.5 ? 'low' : '';
        return h(
          'div',
          { class: 'dim', role: 'listitem', 'data-dimension': key },
          h(
            'div',
            { class: 'dim-head' },
            h('span', {}, name),
            h('span', {}, `${fmt(d.points)} / ${fmt(d.max)}`),
          ),
          h(
            'div',
            {
              class: 'bar',
              role: 'meter',
              'aria-label': name,
              'aria-valuemin': 0,
              'aria-valuemax': d.max,
              'aria-valuenow': d.points,
            },
            h('span', { class: cls, style: `width:${Math.max(0, Math.min(100, share * 100))}%` }),
          ),
          h('p', { class: 'evidence' }, evidenceText(key, d.evidence)),
        );
      }),
    ),
  );
}
