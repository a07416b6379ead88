/*
 * bench/gen.c - writes large, realistic, reproducible inputs for the import benchmark.
 *
 * A standalone program (libc only, not part of libspm) so that the benchmark's input does not depend on
 * the code it measures. It writes territories.csv, reps.csv and deals.csv (or deals.jsonl) in spm's
 * column names into OUTDIR. Everything comes from one seeded generator written here, so the same seed
 * and options give byte-identical files on every machine; deals draw from their own stream, so
 * --deals and --format never change the reps, and the CSV and JSON Lines files hold the same deals.
 * Money is formed in integer cents; no binary floating point is used anywhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PROG "gen"

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

typedef struct {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0, without modulo bias: rejecting the short top slice keeps every value equally
 * likely, which matters for the status and type mixes the benchmark claims. */
static uint64_t rng_below(rng *r, uint64_t n)
{
	uint64_t threshold = (0 - n) % n;
	for (;;) {
		uint64_t x = rng_next(r);
		if (x >= threshold)
			return x % n;
	}
}

static uint32_t rng_u32_below(rng *r, uint32_t n)
{
	return (uint32_t)rng_below(r, n);
}

/* ---- dates as day numbers since 1970-01-01 (proleptic Gregorian) ---- */

static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

/* Writes the ISO date into buf[10] (no NUL); z is on or after 1970-01-01. */
static void format_date(char *buf, int32_t z)
{
	uint32_t zz = (uint32_t)z + 719468u;
	uint32_t era = zz / 146097u;
	uint32_t doe = zz - era * 146097u;
	uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
	uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
	uint32_t mp = (5u * doy + 2u) / 153u;
	uint32_t d = doy - (153u * mp + 2u) / 5u + 1u;
	uint32_t m = mp < 10u ? mp + 3u : mp - 9u;
	uint32_t y = yoe + era * 400u + (m <= 2u);
	buf[0] = (char)('0' + y / 1000u % 10u);
	buf[1] = (char)('0' + y / 100u % 10u);
	buf[2] = (char)('0' + y / 10u % 10u);
	buf[3] = (char)('0' + y % 10u);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10u);
	buf[6] = (char)('0' + m % 10u);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10u);
	buf[9] = (char)('0' + d % 10u);
}

/* ---- buffered output: stdio's per-call overhead would dominate a million rows ---- */

typedef struct {
	FILE *f;
	const char *path;
	size_t len;
	int failed;
	char buf[1 << 16];
} out;

static int out_open(out *o, const char *path)
{
	o->f = fopen(path, "wb");
	o->path = path;
	o->len = 0;
	o->failed = 0;
	if (!o->f) {
		fprintf(stderr, PROG ": '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void out_flush(out *o)
{
	if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = errno ? errno : EIO;
	o->len = 0;
}

static int out_close(out *o)
{
	out_flush(o);
	if (fclose(o->f) != 0 && !o->failed)
		o->failed = errno ? errno : EIO;
	if (o->failed) {
		fprintf(stderr, PROG ": '%s': write failed: %s\n", o->path, strerror(o->failed));
		return -1;
	}
	return 0;
}

static void out_mem(out *o, const char *s, size_t n)
{
	if (n > sizeof o->buf - o->len) {
		out_flush(o);
		if (n > sizeof o->buf) {
			if (!o->failed && fwrite(s, 1, n, o->f) != n)
				o->failed = errno ? errno : EIO;
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_char(out *o, char c)
{
	if (o->len == sizeof o->buf)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* Unsigned decimal, left-padded with zeros to at least width digits. */
static void out_uint(out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[sizeof tmp - 1 - (size_t)n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof tmp)
		tmp[sizeof tmp - 1 - (size_t)n++] = '0';
	out_mem(o, tmp + sizeof tmp - (size_t)n, (size_t)n);
}

/* Cents as a decimal with two places ("1234.50"); whole amounts without decimals ("1200"), as exports
 * mix both. */
static void out_cents(out *o, uint64_t cents)
{
	out_uint(o, cents / 100, 1);
	if (cents % 100) {
		out_char(o, '.');
		out_uint(o, cents % 100, 2);
	}
}

/* One CSV field, quoted only when it must be (RFC 4180). */
static void out_csv(out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		out_str(o, s);
		return;
	}
	out_char(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			out_char(o, '"');
		out_char(o, *s);
	}
	out_char(o, '"');
}

/* A JSON string; the generated texts hold no control characters, but quotes and backslashes are
 * escaped anyway so that any word list stays safe. */
static void out_json(out *o, const char *s)
{
	out_char(o, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out_char(o, '\\');
		out_char(o, *s);
	}
	out_char(o, '"');
}

/* ---- word lists (all invented) ---- */

static const char *const first_names[][2] = {
	{"Ada", "ada"},       {"Bram", "bram"},       {"Celia", "celia"},   {"Dario", "dario"},
	{"Edda", "edda"},     {"Faisal", "faisal"},   {"Greta", "greta"},   {"Hugo", "hugo"},
	{"Ines", "ines"},     {"Jonas", "jonas"},     {"Kaia", "kaia"},     {"Lior", "lior"},
	{"Mira", "mira"},     {"Nils", "nils"},       {"Orla", "orla"},     {"Pavel", "pavel"},
	{"Quinn", "quinn"},   {"Rosa", "rosa"},       {"Sanjay", "sanjay"}, {"Tove", "tove"},
	{"Umar", "umar"},     {"Vera", "vera"},       {"Wen", "wen"},       {"Ximena", "ximena"},
	{"Yara", "yara"},     {"Zoë", "zoe"},         {"Søren", "soren"},   {"José", "jose"},
	{"Aurélie", "aurelie"}, {"Jürgen", "jurgen"}, {"Łucja", "lucja"},   {"Maëlle", "maelle"},
	{"Amara", "amara"},   {"Bjorn", "bjorn"},     {"Chidi", "chidi"},   {"Dana", "dana"},
	{"Elif", "elif"},     {"Finn", "finn"},       {"Hana", "hana"},     {"Idris", "idris"},
};

static const char *const last_names[][2] = {
	{"Abernathy", "abernathy"}, {"Brightwater", "brightwater"}, {"Castellane", "castellane"},
	{"Drummond", "drummond"},   {"Eklund", "eklund"},           {"Fairbairn", "fairbairn"},
	{"Galloway", "galloway"},   {"Hollis", "hollis"},           {"Ingram", "ingram"},
	{"Jarvik", "jarvik"},       {"Kowalczyk", "kowalczyk"},     {"Lindqvist", "lindqvist"},
	{"Marchetti", "marchetti"}, {"Nakamura", "nakamura"},       {"Okonjo", "okonjo"},
	{"Pereira", "pereira"},     {"Quayle", "quayle"},           {"Rasmussen", "rasmussen"},
	{"Szabo", "szabo"},         {"Thorne", "thorne"},           {"Ubaldi", "ubaldi"},
	{"Vasquez", "vasquez"},     {"Whitlock", "whitlock"},       {"Yilmaz", "yilmaz"},
	{"Zeller", "zeller"},       {"Müller-Ost", "muller-ost"},   {"O'Hallan", "ohallan"},
	{"Brontë-Hale", "bronte-hale"}, {"Øyen", "oyen"},           {"Delacroix", "delacroix"},
	{"Achterberg", "achterberg"}, {"Mbeki-Lowe", "mbeki-lowe"}, {"Navarro", "navarro"},
	{"Petrakis", "petrakis"},   {"Ruiz", "ruiz"},               {"Sandoval", "sandoval"},
};

static const char *const account_places[] = {
	"Ashcombe", "Brindlewood", "Caverly", "Dunmarrow", "Eskerfield", "Fallowmere", "Glenhallow",
	"Hollowick", "Ironmere", "Juniper Reach", "Kestrelford", "Larchmoor", "Marrowdale", "Nørrevik",
	"Oakshade", "Pellovar", "Quillon", "Rookhaven", "Saltridge", "Tamsley", "Umberfell", "Varnel",
	"Wrenwick", "Yarrowby", "Zennick", "Alderwyn", "Brackenholt", "Corrowick", "Dovermere", "Emberlow",
	"Foxmarsh", "Gildervale", "Hartwyke", "Ostrind", "Lindqvärn", "O'Hallan Bros", "Tidewell", "Whinmoor",
	"Coldmere", "Sunhallow",
};

static const char *const account_industries[] = {
	"Logistics", "Foods", "Insurance", "Health", "Energy", "Retail", "Robotics", "Textiles",
	"Marine", "Pharma", "Media", "Analytics", "Hotels", "Freight", "Ceramics", "Capital",
	"Mining", "Agritech", "Software", "Aerospace", "Utilities", "Telecom", "Learning", "Biotech",
	"Paper",
};

/* Some suffixes carry a comma, so a share of the account cells must be quoted in CSV. */
static const char *const account_suffixes[] = {
	" Inc", ", Inc.", " LLC", " Ltd", " GmbH", " AG", " S.A.", " B.V.", " Pty Ltd", " K.K.", " & Co",
	" Group",
};

static const char *const products[] = {
	"core-platform", "analytics", "connectors", "premium-support", "guard", "core-platform-plus",
	"analytics-pro", "onboarding", "training", "workflow", "reporting", "sso", "audit-log",
	"api-access", "sandbox", "data-residency", "mobile", "storage-1tb", "connectors-enterprise",
	"guard-advanced",
};

static const char *const teams[] = {"Enterprise", "Mid-Market", "SMB", "Strategic", "Channel"};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- territories: ALL, 4 regions, 5 areas each, 10 districts each ---- */

#define N_REGIONS 4
#define N_AREAS 5     /* per region */
#define N_DISTRICTS 10 /* per area */

static const char *const region_ids[N_REGIONS] = {"EMEA", "NA", "APAC", "LATAM"};
static const char *const region_names[N_REGIONS] = {
	"Europe, Middle East & Africa", "North America", "Asia Pacific", "Latin America"};
static const char *const area_currency[N_REGIONS][N_AREAS] = {
	{"EUR", "GBP", "EUR", "SEK", "CHF"},
	{"USD", "USD", "CAD", "USD", "USD"},
	{"AUD", "JPY", "SGD", "INR", "AUD"},
	{"BRL", "MXN", "USD", "BRL", "COP"},
};

/* Territory ids: "EMEA", "EMEA-3", "EMEA-3-07"; areas and districts count from 1. */
static void out_territory_id(out *o, unsigned region, unsigned area, unsigned district)
{
	out_str(o, region_ids[region]);
	if (area) {
		out_char(o, '-');
		out_uint(o, area, 1);
	}
	if (district) {
		out_char(o, '-');
		out_uint(o, district, 2);
	}
}

static int write_territories(const char *dir)
{
	char path[4096];
	out *o = malloc(sizeof *o);
	if (!o) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	snprintf(path, sizeof path, "%s/territories.csv", dir);
	if (out_open(o, path) != 0) {
		free(o);
		return -1;
	}
	out_str(o, "territory_id,name,parent_id\nALL,All territories,\n");
	for (unsigned r = 0; r < N_REGIONS; r++) {
		out_territory_id(o, r, 0, 0);
		out_char(o, ',');
		out_csv(o, region_names[r]);
		out_str(o, ",ALL\n");
		for (unsigned a = 1; a <= N_AREAS; a++) {
			out_territory_id(o, r, a, 0);
			out_char(o, ',');
			out_str(o, region_ids[r]);
			out_str(o, " area ");
			out_uint(o, a, 1);
			out_char(o, ',');
			out_territory_id(o, r, 0, 0);
			out_char(o, '\n');
			for (unsigned d = 1; d <= N_DISTRICTS; d++) {
				out_territory_id(o, r, a, d);
				out_char(o, ',');
				out_str(o, region_ids[r]);
				out_str(o, " area ");
				out_uint(o, a, 1);
				out_str(o, " district ");
				out_uint(o, d, 1);
				out_char(o, ',');
				out_territory_id(o, r, a, 0);
				out_char(o, '\n');
			}
		}
	}
	int rc = out_close(o);
	free(o);
	return rc;
}

/* ---- reps: a CRO, a VP per region, a director per area, managers with about eight AEs each ---- */

enum role { ROLE_CRO, ROLE_VP, ROLE_DIRECTOR, ROLE_MANAGER, ROLE_AE };
static const char *const role_names[] = {"cro", "vp", "director", "manager", "ae"};

typedef struct {
	uint32_t manager; /* index + 1; 0 for none */
	int32_t hire, end; /* day numbers; end 0 when still employed */
	uint8_t role, team, region, area, district; /* area, district from 1; 0 when above that level */
	uint8_t first, last;
} rep;

typedef struct {
	rep *reps;
	uint32_t n;
	uint32_t *aes; /* indexes of the AEs, who own deals */
	uint32_t n_aes;
	int id_width;
} org;

static int digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int build_org(org *g, uint32_t n, uint64_t seed)
{
	const uint32_t top = 1 + N_REGIONS + N_REGIONS * N_AREAS;
	rng r;
	rng_seed(&r, seed, 1);
	g->n = n;
	g->reps = calloc(n, sizeof *g->reps);
	g->aes = calloc(n, sizeof *g->aes);
	g->n_aes = 0;
	g->id_width = digits(n) < 6 ? 6 : digits(n);
	if (!g->reps || !g->aes) {
		fprintf(stderr, PROG ": out of memory for %" PRIu32 " reps\n", n);
		return -1;
	}
	/* Managers come before their reps, so every manager_id points to an earlier row. */
	uint32_t n_managers = (n - top) / 9;
	int32_t d2012 = days_from_civil(2012, 1, 1), d2022 = days_from_civil(2022, 1, 1);
	int32_t d2026h = days_from_civil(2026, 6, 30);
	for (uint32_t i = 0; i < n; i++) {
		rep *p = &g->reps[i];
		p->first = (uint8_t)rng_below(&r, NELEMS(first_names));
		p->last = (uint8_t)rng_below(&r, NELEMS(last_names));
		if (i == 0) {
			p->role = ROLE_CRO;
		} else if (i <= N_REGIONS) {
			p->role = ROLE_VP;
			p->region = (uint8_t)(i - 1);
			p->manager = 1;
		} else if (i < top) {
			uint32_t k = i - 1 - N_REGIONS;
			p->role = ROLE_DIRECTOR;
			p->region = (uint8_t)(k / N_AREAS);
			p->area = (uint8_t)(k % N_AREAS + 1);
			p->manager = 1 + 1 + p->region;
		} else if (i < top + n_managers) {
			uint32_t k = (i - top) % (N_REGIONS * N_AREAS);
			p->role = ROLE_MANAGER;
			p->region = (uint8_t)(k / N_AREAS);
			p->area = (uint8_t)(k % N_AREAS + 1);
			p->team = (uint8_t)((i - top) / (N_REGIONS * N_AREAS) % NELEMS(teams));
			p->manager = 1 + top - (N_REGIONS * N_AREAS) + k;
		} else {
			uint32_t m = top + (i - top - n_managers) % n_managers;
			const rep *mg = &g->reps[m];
			p->role = ROLE_AE;
			p->region = mg->region;
			p->area = mg->area;
			p->district = (uint8_t)(rng_below(&r, N_DISTRICTS) + 1);
			p->team = mg->team;
			p->manager = m + 1;
			g->aes[g->n_aes++] = i;
		}
		/* Leaders were hired long ago; most AEs in the last few years, some in 2026. */
		if (p->role == ROLE_AE) {
			int32_t from = rng_below(&r, 4) == 0 ? d2012 : d2022;
			p->hire = from + (int32_t)rng_below(&r, (uint64_t)(d2026h - from));
			if (rng_below(&r, 100) < 7) {
				int32_t end = p->hire + 90 + (int32_t)rng_below(&r, 1400);
				p->end = end <= d2026h ? end : 0;
			}
		} else {
			p->hire = d2012 + (int32_t)rng_below(&r, (uint64_t)(d2022 - d2012));
		}
	}
	return 0;
}

static void out_rep_id(out *o, const org *g, uint32_t index)
{
	out_char(o, 'R');
	out_uint(o, index + 1, g->id_width);
}

static const char *rep_currency(const rep *p)
{
	if (p->role == ROLE_CRO || p->role == ROLE_VP)
		return p->role == ROLE_CRO ? "USD" : area_currency[p->region][0];
	return area_currency[p->region][p->area - 1];
}

static int write_reps(const char *dir, const org *g)
{
	char path[4096], date[10];
	out *o = malloc(sizeof *o);
	if (!o) {
		fprintf(stderr, PROG ": out of memory\n");
		return -1;
	}
	snprintf(path, sizeof path, "%s/reps.csv", dir);
	if (out_open(o, path) != 0) {
		free(o);
		return -1;
	}
	out_str(o, "rep_id,name,email,manager_id,team,territory,role,hire_date,end_date,currency\n");
	for (uint32_t i = 0; i < g->n; i++) {
		const rep *p = &g->reps[i];
		out_rep_id(o, g, i);
		out_char(o, ',');
		out_str(o, first_names[p->first][0]);
		out_char(o, ' ');
		out_str(o, last_names[p->last][0]);
		out_char(o, ',');
		out_str(o, first_names[p->first][1]);
		out_char(o, '.');
		out_str(o, last_names[p->last][1]);
		out_char(o, '.');
		out_uint(o, i + 1, 1);
		out_str(o, "@corp.example,");
		if (p->manager)
			out_rep_id(o, g, p->manager - 1);
		out_char(o, ',');
		if (p->role >= ROLE_MANAGER)
			out_str(o, teams[p->team]);
		out_char(o, ',');
		if (p->role == ROLE_CRO)
			out_str(o, "ALL");
		else
			out_territory_id(o, p->region, p->area, p->district);
		out_char(o, ',');
		out_str(o, role_names[p->role]);
		out_char(o, ',');
		format_date(date, p->hire);
		out_mem(o, date, sizeof date);
		out_char(o, ',');
		if (p->end) {
			format_date(date, p->end);
			out_mem(o, date, sizeof date);
		}
		out_char(o, ',');
		out_str(o, rep_currency(p));
		out_char(o, '\n');
	}
	int rc = out_close(o);
	free(o);
	return rc;
}

/* ---- deals ---- */

/* 10^(1/256) in Q30 fixed point, rounded; amounts step through a decade in 256 equal log steps. */
#define DECADE_STEP_Q30 UINT64_C(1083443130)

typedef struct {
	const char *stage, *status, *probability, *forecast_category;
} stage_row;

static const stage_row stage_won = {"Closed Won", "won", "1", "closed"};
static const stage_row stage_lost = {"Closed Lost", "lost", "0", "omitted"};
static const stage_row stage_open[] = {
	{"Prospecting", "open", "0.1", "pipeline"},
	{"Qualification", "open", "0.25", "pipeline"},
	{"Proposal", "open", "0.5", "best_case"},
	{"Negotiation", "open", "0.8", "commit"},
};

typedef struct {
	uint64_t mantissa_q30[256]; /* 10^(j/256) in Q30 */
	int32_t closed_from, closed_days, open_from, open_days, floor_day;
	char dates[1200][10]; /* ISO text of every day from floor_day on */
	int id_width;
} deal_tables;

static void build_deal_tables(deal_tables *t, uint64_t n_deals)
{
	uint64_t m = UINT64_C(1) << 30;
	for (int j = 0; j < 256; j++) {
		t->mantissa_q30[j] = m;
		m = (m * DECADE_STEP_Q30 + (UINT64_C(1) << 29)) >> 30;
	}
	t->floor_day = days_from_civil(2024, 1, 1);
	t->closed_from = days_from_civil(2024, 1, 8);
	t->closed_days = days_from_civil(2026, 6, 30) - t->closed_from + 1;
	t->open_from = days_from_civil(2026, 7, 1);
	t->open_days = days_from_civil(2026, 12, 31) - t->open_from + 1;
	for (int32_t d = 0; d < (int32_t)(sizeof t->dates / sizeof t->dates[0]); d++)
		format_date(t->dates[d], t->floor_day + d);
	t->id_width = digits(n_deals) < 7 ? 7 : digits(n_deals);
}

/* Log-normal-ish cents between 100.00 and 500,000.00: the sum of three uniforms places the log of the
 * amount on a bell between 10^2 and 10^5.7, peaking near 7,000; most amounts are then rounded the way
 * people quote prices. */
static uint64_t deal_cents(rng *r, const deal_tables *t)
{
	uint64_t steps = rng_below(r, 316) + rng_below(r, 316) + rng_below(r, 316); /* 0..945 of 947 */
	uint64_t cents = 100; /* 10^2 units = 10^4 cents */
	for (uint64_t k = 0; k < 2 + steps / 256; k++)
		cents *= 10;
	cents = (cents * t->mantissa_q30[steps % 256]) >> 30;
	uint64_t style = rng_below(r, 100);
	if (style < 40)
		cents -= cents % (cents >= 1000000 ? 100000 : 10000); /* to 1,000 or 100 units */
	else if (style < 70)
		cents -= cents % 100; /* whole units */
	if (cents < 10000)
		cents = 10000;
	if (cents > 50000000)
		cents = 50000000;
	return cents;
}

typedef struct {
	uint32_t id;
	int has_rep, has_amount;
	uint32_t rep;
	uint8_t region, area, district;
	uint32_t account;
	uint8_t product;
	uint64_t cents;
	int32_t close, created;
	const stage_row *stage;
	const char *type;
} deal;

static void make_deal(deal *d, rng *r, const org *g, const deal_tables *t)
{
	uint64_t u = rng_below(r, 100);
	if (u < 60)
		d->stage = &stage_won;
	else if (u < 85)
		d->stage = &stage_lost;
	else
		d->stage = &stage_open[rng_below(r, NELEMS(stage_open))];
	int open = d->stage->status[0] == 'o';
	/* Closed deals close while their owner is employed; open ones belong to reps still there. */
	int32_t lo = open ? t->open_from : t->closed_from;
	int32_t hi = (open ? t->open_from + t->open_days : t->closed_from + t->closed_days) - 1;
	d->has_rep = rng_below(r, 100) >= 3; /* some deals only have a territory yet */
	for (int tries = 0; d->has_rep; tries++) {
		if (tries == 64) { /* a tiny org may have no one eligible */
			d->has_rep = 0;
			break;
		}
		d->rep = g->aes[rng_below(r, g->n_aes)];
		const rep *p = &g->reps[d->rep];
		int32_t from = p->hire + 1 > lo ? p->hire + 1 : lo;
		int32_t to = p->end && p->end < hi ? p->end : hi;
		if ((open && p->end) || from > to)
			continue;
		lo = from;
		hi = to;
		d->region = p->region;
		d->area = p->area;
		d->district = p->district;
		break;
	}
	if (!d->has_rep) {
		d->region = (uint8_t)rng_below(r, N_REGIONS);
		d->area = (uint8_t)(rng_below(r, N_AREAS) + 1);
		d->district = (uint8_t)(rng_below(r, N_DISTRICTS) + 1);
	}
	/* Skewed to low indexes: a few big customers buy often, a long tail buys once. */
	uint64_t n_accounts = NELEMS(account_places) * NELEMS(account_industries) * NELEMS(account_suffixes);
	d->account = (uint32_t)rng_below(r, rng_below(r, n_accounts) + 1);
	uint64_t pr = rng_below(r, NELEMS(products));
	d->product = (uint8_t)rng_below(r, pr + 1);
	uint64_t ty = rng_below(r, 100);
	d->type = ty < 50 ? "new" : ty < 80 ? "expansion" : "renewal";
	d->cents = deal_cents(r, t);
	d->has_amount = !open || rng_below(r, 100) >= 2;
	d->close = lo + (int32_t)rng_below(r, (uint64_t)(hi - lo + 1));
	/* Sales cycles: mostly weeks, sometimes most of a year; never before the owner's hire date. */
	int32_t cycle = 1 + (int32_t)rng_below(r, 60) + (int32_t)rng_below(r, rng_below(r, 300) + 1);
	int32_t floor_day = d->has_rep && g->reps[d->rep].hire > t->floor_day ? g->reps[d->rep].hire
									       : t->floor_day;
	d->created = d->close - cycle < floor_day ? floor_day : d->close - cycle;
}

static void out_account(out *o, uint32_t a, int csv)
{
	char name[128];
	size_t np = NELEMS(account_places), ni = NELEMS(account_industries);
	snprintf(name, sizeof name, "%s %s%s", account_places[a % np], account_industries[a / np % ni],
		 account_suffixes[a / np / ni % NELEMS(account_suffixes)]);
	if (csv)
		out_csv(o, name);
	else
		out_json(o, name);
}

static void out_deal_csv(out *o, const deal *d, const org *g, const deal_tables *t)
{
	out_char(o, 'D');
	out_uint(o, d->id, t->id_width);
	out_char(o, ',');
	if (d->has_rep)
		out_rep_id(o, g, d->rep);
	out_char(o, ',');
	out_territory_id(o, d->region, d->area, d->district);
	out_char(o, ',');
	out_account(o, d->account, 1);
	out_char(o, ',');
	out_str(o, products[d->product]);
	out_char(o, ',');
	if (d->has_amount)
		out_cents(o, d->cents);
	out_char(o, ',');
	out_str(o, area_currency[d->region][d->area - 1]);
	out_char(o, ',');
	out_mem(o, t->dates[d->close - t->floor_day], 10);
	out_char(o, ',');
	out_mem(o, t->dates[d->created - t->floor_day], 10);
	out_char(o, ',');
	out_str(o, d->stage->stage);
	out_char(o, ',');
	out_str(o, d->stage->status);
	out_char(o, ',');
	out_str(o, d->type);
	out_char(o, ',');
	out_str(o, d->stage->probability);
	out_char(o, ',');
	out_str(o, d->stage->forecast_category);
	out_char(o, '\n');
}

/* JSON Lines: amounts and probabilities are JSON numbers (their text is exact); absent values null. */
static void out_deal_jsonl(out *o, const deal *d, const org *g, const deal_tables *t)
{
	out_str(o, "{\"deal_id\":\"D");
	out_uint(o, d->id, t->id_width);
	out_str(o, "\",\"rep_id\":");
	if (d->has_rep) {
		out_char(o, '"');
		out_rep_id(o, g, d->rep);
		out_char(o, '"');
	} else {
		out_str(o, "null");
	}
	out_str(o, ",\"territory\":\"");
	out_territory_id(o, d->region, d->area, d->district);
	out_str(o, "\",\"account\":");
	out_account(o, d->account, 0);
	out_str(o, ",\"product\":\"");
	out_str(o, products[d->product]);
	out_str(o, "\",\"amount\":");
	if (d->has_amount)
		out_cents(o, d->cents);
	else
		out_str(o, "null");
	out_str(o, ",\"currency\":\"");
	out_str(o, area_currency[d->region][d->area - 1]);
	out_str(o, "\",\"close_date\":\"");
	out_mem(o, t->dates[d->close - t->floor_day], 10);
	out_str(o, "\",\"created_date\":\"");
	out_mem(o, t->dates[d->created - t->floor_day], 10);
	out_str(o, "\",\"stage\":\"");
	out_str(o, d->stage->stage);
	out_str(o, "\",\"status\":\"");
	out_str(o, d->stage->status);
	out_str(o, "\",\"type\":\"");
	out_str(o, d->type);
	out_str(o, "\",\"probability\":");
	out_str(o, d->stage->probability);
	out_str(o, ",\"forecast_category\":\"");
	out_str(o, d->stage->forecast_category);
	out_str(o, "\"}\n");
}

static int write_deals(const char *dir, const org *g, uint32_t n, int jsonl, uint64_t seed)
{
	char path[4096];
	int rc = -1;
	rng r;
	rng_seed(&r, seed, 2);
	uint32_t *ids = malloc((size_t)n * sizeof *ids);
	deal_tables *t = malloc(sizeof *t);
	out *o = malloc(sizeof *o);
	if (!ids || !t || !o) {
		fprintf(stderr, PROG ": out of memory for %" PRIu32 " deals\n", n);
		goto done;
	}
	build_deal_tables(t, n);
	/* Ids in shuffled order, as a CRM export sorted by anything but the id would give. */
	for (uint32_t i = 0; i < n; i++)
		ids[i] = i + 1;
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = rng_u32_below(&r, i);
		uint32_t tmp = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = tmp;
	}
	snprintf(path, sizeof path, "%s/deals.%s", dir, jsonl ? "jsonl" : "csv");
	if (out_open(o, path) != 0)
		goto done;
	if (!jsonl)
		out_str(o, "deal_id,rep_id,territory,account,product,amount,currency,close_date,created_date,"
			   "stage,status,type,probability,forecast_category\n");
	for (uint32_t i = 0; i < n && !o->failed; i++) {
		deal d = {0};
		d.id = ids[i];
		make_deal(&d, &r, g, t);
		if (jsonl)
			out_deal_jsonl(o, &d, g, t);
		else
			out_deal_csv(o, &d, g, t);
	}
	rc = out_close(o);
done:
	free(o);
	free(t);
	free(ids);
	return rc;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fputs("usage: " PROG " [--seed N] [--reps N] [--deals N] [--format csv|jsonl] OUTDIR\n"
	      "Writes OUTDIR/territories.csv, OUTDIR/reps.csv and OUTDIR/deals.csv (or deals.jsonl).\n"
	      "Defaults: --seed 1 --reps 10000 --deals 1000000 --format csv.\n",
	      f);
}

/* Parses a whole decimal number in [min, max]; 0 on success, -1 with a message on failure. */
static int parse_count(const char *opt, const char *text, uint64_t min, uint64_t max, uint64_t *out_value)
{
	char *end;
	if (!text) {
		fprintf(stderr, PROG ": option '%s': needs a value\n", opt);
		return -1;
	}
	if (*text < '0' || *text > '9') {
		fprintf(stderr, PROG ": option '%s': not a number: '%s'\n", opt, text);
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (*end != '\0') {
		fprintf(stderr, PROG ": option '%s': not a number: '%s'\n", opt, text);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		fprintf(stderr, PROG ": option '%s': out of range (%" PRIu64 "..%" PRIu64 "): '%s'\n", opt, min,
			max, text);
		return -1;
	}
	*out_value = (uint64_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, n_reps = 10000, n_deals = 1000000;
	int jsonl = 0;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--seed")) {
			if (parse_count(a, i + 1 < argc ? argv[++i] : NULL, 0, UINT64_MAX, &seed) != 0)
				return 2;
		} else if (!strcmp(a, "--reps")) {
			if (parse_count(a, i + 1 < argc ? argv[++i] : NULL, 100, 10000000, &n_reps) != 0)
				return 2;
		} else if (!strcmp(a, "--deals")) {
			if (parse_count(a, i + 1 < argc ? argv[++i] : NULL, 1, 100000000, &n_deals) != 0)
				return 2;
		} else if (!strcmp(a, "--format")) {
			const char *v = i + 1 < argc ? argv[++i] : NULL;
			if (v && !strcmp(v, "csv")) {
				jsonl = 0;
			} else if (v && !strcmp(v, "jsonl")) {
				jsonl = 1;
			} else {
				fprintf(stderr, PROG ": option '--format': expected csv or jsonl: '%s'\n",
					v ? v : "");
				return 2;
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, PROG ": unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (dir) {
			fprintf(stderr, PROG ": one OUTDIR only: '%s'\n", a);
			return 2;
		} else {
			dir = a;
		}
	}
	if (!dir) {
		usage(stderr);
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	org g;
	int rc = build_org(&g, (uint32_t)n_reps, seed);
	if (rc == 0)
		rc = write_territories(dir);
	if (rc == 0)
		rc = write_reps(dir, &g);
	if (rc == 0)
		rc = write_deals(dir, &g, (uint32_t)n_deals, jsonl, seed);
	free(g.reps);
	free(g.aes);
	return rc == 0 ? 0 : 1;
}
