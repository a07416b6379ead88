-- bench/attainment.sql - the peer of `spm-quota attainment --level rep`: every rep's credited
-- bookings, quota and attainment for a period to an as-of date, computed by the sqlite3 shell in
-- one query over spm's store, exactly as spm-quota computes them:
--
--   sqlite3 STORE < bench/attainment.sql     prints rep_id|credited|quota|attainment, one per rep
--
-- credited and quota in the store's units (1/10,000ths of the base currency), attainment in
-- hundredths of a percent, cut toward zero (what spm-quota prints as attainment_pct). The dates
-- in `period` below (first day, last day, as-of day) are replaced by the scripts that run it.
--
-- What it reproduces:
-- - reps listed: individual contributors (nobody reports to them) active between the first day
--   and the as-of day, or with a credit or a quota in the period;
-- - credits: won deals with an amount closed from the first day to the as-of day, not cancelled
--   by the as-of day; the owner with 100% when the deal has no revenue split, else each split rep
--   with amount × share; each overlay rep with amount × share; each product rounded half-up at
--   1/10,000 (in two halves, as bench/commission.sql explains, to stay within 64 bits);
-- - currencies: each credited amount times the last rate on or before its close date (rates are
--   base-currency units per unit; the base converts at 1), rounded half-up;
-- - quota: the rep's stored quota whose period is exactly the period, converted like a credit
--   at the rate of the period's last day.
WITH
period(first, last, asof) AS (SELECT '2026-01-01', '2026-03-31', '2026-03-15'),
base(cur) AS (SELECT coalesce((SELECT value FROM settings WHERE key = 'base_currency'), 'USD')),
deal AS MATERIALIZED (
	SELECT d.deal_id, d.rep_id, d.amount, coalesce(d.currency, b.cur) AS currency,
		d.close_date AS day
	FROM deals d, period p, base b
	WHERE d.amount IS NOT NULL AND d.close_date BETWEEN p.first AND p.asof
		AND (d.cancel_date IS NULL OR d.cancel_date > p.asof) AND +d.status = 'won'
),
line AS MATERIALIZED (
	SELECT d.rep_id, d.amount, d.currency, d.day FROM deal d
	WHERE d.rep_id IS NOT NULL AND d.rep_id <> '' AND NOT EXISTS (
		SELECT 1 FROM credits s WHERE s.deal_id = d.deal_id AND s.kind = 'revenue')
	UNION ALL
	SELECT c.rep_id,
		(d.amount * (c.share / 100000)) / 100000
		+ ((d.amount * (c.share / 100000)) % 100000 * 100000
		   + d.amount * (c.share % 100000) + 5000000000) / 10000000000,
		d.currency, d.day
	FROM deal d JOIN credits c ON c.deal_id = d.deal_id
),
converted AS (
	SELECT l.rep_id,
		CASE WHEN l.currency = b.cur THEN l.amount ELSE (
			SELECT (l.amount * (f.rate / 100000)) / 100000
				+ ((l.amount * (f.rate / 100000)) % 100000 * 100000
				   + l.amount * (f.rate % 100000) + 5000000000) / 10000000000
			FROM fx f WHERE f.base = b.cur AND f.currency = l.currency AND f.date <= l.day
			ORDER BY f.date DESC LIMIT 1) END AS amount
	FROM line l, base b
),
credited AS (SELECT rep_id, sum(amount) AS amount FROM converted GROUP BY rep_id),
quota AS (
	SELECT q.scope_id AS rep_id,
		CASE WHEN coalesce(q.currency, b.cur) = b.cur THEN q.amount ELSE (
			SELECT (q.amount * (f.rate / 100000)) / 100000
				+ ((q.amount * (f.rate / 100000)) % 100000 * 100000
				   + q.amount * (f.rate % 100000) + 5000000000) / 10000000000
			FROM fx f WHERE f.base = b.cur AND f.currency = q.currency AND f.date <= p.last
			ORDER BY f.date DESC LIMIT 1) END AS amount
	FROM quotas q, period p, base b
	WHERE q.scope = 'rep' AND q.metric = 'bookings' AND q.period_first = p.first
		AND q.period_last = p.last
)
SELECT r.rep_id, coalesce(c.amount, 0), q.amount,
	CASE WHEN q.amount > 0 THEN coalesce(c.amount, 0) * 10000 / q.amount END
FROM reps r, period p
LEFT JOIN credited c ON c.rep_id = r.rep_id
LEFT JOIN quota q ON q.rep_id = r.rep_id
WHERE NOT EXISTS (SELECT 1 FROM reps m WHERE m.manager_id = r.rep_id AND m.rep_id <> r.rep_id)
	AND (c.rep_id IS NOT NULL OR q.rep_id IS NOT NULL
		OR ((r.hire_date IS NULL OR r.hire_date <= p.asof)
			AND (r.end_date IS NULL OR r.end_date >= p.first)))
ORDER BY r.rep_id;
