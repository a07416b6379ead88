-- bench/commission.sql - the peer of bench/commission.sh: every rep's pay for 2026-Q1 under
-- bench/commission-plan.yaml, computed by the sqlite3 shell in one query over spm's store, exactly
-- as spm-commission run pays it (the script checks that, rep by rep):
--
--   sqlite3 STORE < bench/commission.sql        prints: reps paid|total pay (ten-thousandths)
--
-- It keeps each rep's three lines in the temporary table `pay` (rep_id, new_business, renewals,
-- bonus, total), for the script's comparison with the stored run.
--
-- What it reproduces, in the store's integer units (money in 1/10,000ths, rates in 1/10^10ths):
-- - seats: reps assigned to the plan, from the latest of the assignment's start, the quarter's
--   first day, the plan's start and the hire date, to the earliest of the assignment's end, the
--   quarter's last day, the plan's end and the leaving date; one assignment per rep, as the
--   benchmark's data has. Credits dated outside a rep's seat do not count.
-- - credits: won deals closed in the quarter with an amount, not cancelled by its last day; the
--   owner with 100% when the deal has no revenue split, else each split rep with amount × share.
-- - currencies: each credited amount times the last rate on or before its close date, the quota
--   times the rate on the quarter's last day (rates are USD per unit; USD, the store's base and
--   the plan's currency, converts at 1); then the quota prorated by days on the plan.
-- - new business: a graduated table on attainment, cut at quota × 100% and quota × 150%, each
--   slice at its tier's rate; renewals at 2%; the bonus of 1,000 at 100% attainment (base at
--   least quota: attainment is the ratio rounded down, so the two agree).
-- - rounding: every product rounded half-up at 1/10,000 (as spm does: once per product), each line
--   half-up to cents. SQLite's integers are 64-bit and a product of money and rate reaches 10^20,
--   so a product is rounded in two halves: with A the amount and R the rate, A × R / 10^10 is
--   X / 10^5 + A × (R mod 10^5) / 10^10 where X = A × (R div 10^5), each part below 2^63.
--   That expression is written out wherever a product is rounded (SQL has no functions of its own).
--
-- bench/commission.sh runs other quarters by replacing the two dates of `period` below.
CREATE TEMP TABLE pay AS
WITH
period(first, last) AS (SELECT '2026-01-01', '2026-03-31'),
seat AS (
	SELECT a.rep_id,
		max(a.from_date, p.first, '2025-01-01', coalesce(r.hire_date, p.first)) AS lo,
		min(coalesce(a.to_date, p.last), p.last, '2026-12-31', coalesce(r.end_date, p.last)) AS hi,
		CAST(julianday(p.last) - julianday(p.first) AS INTEGER) + 1 AS of_days
	FROM assignments a JOIN reps r ON r.rep_id = a.rep_id, period p
	WHERE a.plan = 'bench-2026' AND a.from_date <= p.last
		AND (a.to_date IS NULL OR a.to_date >= p.first)
),
seats AS MATERIALIZED (
	SELECT rep_id, lo, hi, CAST(julianday(hi) - julianday(lo) AS INTEGER) + 1 AS on_days, of_days
	FROM seat WHERE lo <= hi
),
deal AS MATERIALIZED (
	SELECT d.deal_id, d.rep_id, d.amount, coalesce(d.currency, 'USD') AS currency,
		d.close_date AS day, d.type IN ('new', 'expansion') AS new
	FROM deals d, period p
	WHERE d.amount IS NOT NULL AND d.close_date BETWEEN p.first AND p.last
		AND (d.cancel_date IS NULL OR d.cancel_date > p.last) AND +d.status = 'won'
		AND d.type IN ('new', 'expansion', 'renewal')
),
-- credit lines with their amount in the deal's currency and the rate into USD
line AS MATERIALIZED (
	SELECT l.rep_id, l.new, l.amount,
		CASE WHEN l.currency = 'USD' THEN 10000000000 ELSE (
			SELECT f.rate FROM fx f WHERE f.base = 'USD' AND f.currency = l.currency
				AND f.date <= l.day ORDER BY f.date DESC LIMIT 1) END AS rate
	FROM (
		SELECT d.rep_id, d.new, d.amount, d.currency, d.day FROM deal d
		WHERE d.rep_id IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM credits s WHERE s.deal_id = d.deal_id AND s.kind = 'revenue')
		UNION ALL
		SELECT c.rep_id, d.new,
			(d.amount * (c.share / 100000)) / 100000
			+ ((d.amount * (c.share / 100000)) % 100000 * 100000
			   + d.amount * (c.share % 100000) + 5000000000) / 10000000000,
			d.currency, d.day
		FROM deal d JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'
	) l JOIN seats s ON s.rep_id = l.rep_id AND l.day BETWEEN s.lo AND s.hi
),
base AS MATERIALIZED (
	SELECT rep_id, sum(CASE WHEN new THEN usd ELSE 0 END) AS nb,
		sum(CASE WHEN new THEN 0 ELSE usd END) AS ren
	FROM (
		SELECT rep_id, new,
			(amount * (rate / 100000)) / 100000
			+ ((amount * (rate / 100000)) % 100000 * 100000
			   + amount * (rate % 100000) + 5000000000) / 10000000000 AS usd
		FROM line)
	GROUP BY rep_id
),
-- each seat's quota in USD at the quarter's last day, then prorated
end_rate AS MATERIALIZED (
	SELECT c.currency, CASE WHEN c.currency = 'USD' THEN 10000000000 ELSE (
			SELECT f.rate FROM fx f WHERE f.base = 'USD' AND f.currency = c.currency
				AND f.date <= p.last ORDER BY f.date DESC LIMIT 1) END AS rate
	FROM (SELECT DISTINCT coalesce(currency, 'USD') AS currency FROM quotas) c, period p
),
quota AS MATERIALIZED (
	SELECT s.rep_id, s.on_days, s.of_days,
		(q.amount * (x.rate / 100000)) / 100000
		+ ((q.amount * (x.rate / 100000)) % 100000 * 100000
		   + q.amount * (x.rate % 100000) + 5000000000) / 10000000000 AS usd
	FROM seats s JOIN period p
	JOIN quotas q ON q.scope = 'rep' AND q.scope_id = s.rep_id AND q.metric = 'bookings'
		AND q.period_first = p.first AND q.period_last = p.last
	JOIN end_rate x ON x.currency = coalesce(q.currency, 'USD')
),
measured AS MATERIALIZED (
	SELECT q.rep_id, coalesce(b.nb, 0) AS nb, coalesce(b.ren, 0) AS ren, q.quota
	FROM (SELECT rep_id, CASE WHEN on_days = of_days THEN usd
			ELSE (2 * usd * on_days + of_days) / (2 * of_days) END AS quota
		FROM quota) q
	LEFT JOIN base b ON b.rep_id = q.rep_id
),
-- the tier cuts: quota × 100% and quota × 150%, rounded like every product
cut AS MATERIALIZED (
	SELECT rep_id, nb, ren, quota,
		(quota * (10000000000 / 100000)) / 100000
		+ ((quota * (10000000000 / 100000)) % 100000 * 100000
		   + quota * (10000000000 % 100000) + 5000000000) / 10000000000 AS cut1,
		(quota * (15000000000 / 100000)) / 100000
		+ ((quota * (15000000000 / 100000)) % 100000 * 100000
		   + quota * (15000000000 % 100000) + 5000000000) / 10000000000 AS cut2
	FROM measured
),
-- the slices each tier pays on, each at its rate: 5%, 8%, 10%
slice AS MATERIALIZED (
	SELECT rep_id, nb, ren, quota, min(nb, cut1) AS s1,
		CASE WHEN nb > cut1 THEN min(nb, cut2) - cut1 ELSE 0 END AS s2,
		CASE WHEN nb > cut2 THEN nb - cut2 ELSE 0 END AS s3
	FROM cut
),
earned AS MATERIALIZED (
	SELECT rep_id, nb, quota,
		((s1) * (500000000 / 100000)) / 100000
			+ (((s1) * (500000000 / 100000)) % 100000 * 100000
			   + (s1) * (500000000 % 100000) + 5000000000) / 10000000000
		+ ((s2) * (800000000 / 100000)) / 100000
			+ (((s2) * (800000000 / 100000)) % 100000 * 100000
			   + (s2) * (800000000 % 100000) + 5000000000) / 10000000000
		+ ((s3) * (1000000000 / 100000)) / 100000
			+ (((s3) * (1000000000 / 100000)) % 100000 * 100000
			   + (s3) * (1000000000 % 100000) + 5000000000) / 10000000000 AS new_business,
		((ren) * (200000000 / 100000)) / 100000
			+ (((ren) * (200000000 / 100000)) % 100000 * 100000
			   + (ren) * (200000000 % 100000) + 5000000000) / 10000000000 AS renewals
	FROM slice
)
SELECT rep_id, (new_business + 50) / 100 * 100 AS new_business,
	(renewals + 50) / 100 * 100 AS renewals,
	CASE WHEN quota > 0 AND nb >= quota THEN 10000000 ELSE 0 END AS bonus,
	(new_business + 50) / 100 * 100 + (renewals + 50) / 100 * 100
	+ CASE WHEN quota > 0 AND nb >= quota THEN 10000000 ELSE 0 END AS total
FROM earned;

SELECT count(*), sum(total) FROM pay;
