#!/bin/sh
# examples/nightly.sh - the nightly commission job, written for cron:
#
#   15 2 * * *  SPM_DB=/srv/pay/spm.db /srv/pay/nightly.sh /srv/pay/incoming /srv/pay/out
#
# usage: nightly.sh INCOMING OUTDIR [PLAN...]
#
# 1. Checks every file of the day in INCOMING (named after its kind: deals.csv, credits.csv,
#    quotas.csv, ... in CSV, or .json / .jsonl) with `spm-import --check`: one bad file stops the
#    night before anything is loaded.
# 2. Imports them, in the order references need.
# 3. Runs the open period (PERIOD, default the current quarter) with the plans (default
#    plans/*.yaml beside this script).
# 4. Writes every rep's statement (HTML) and the payroll export (CSV) into OUTDIR/PERIOD/.
#
# Exit status, the tools' own, so that cron's mail says what went wrong:
#   0 done; 65 bad data (the file is named on stderr; nothing of the night was imported);
#   78 a plan is invalid; 75 the store is busy (another job writes: run again later);
#   74 a file could not be read or written; 70 the store failed; 64 a usage error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: nightly.sh INCOMING OUTDIR [PLAN...]" >&2; exit 64; }
incoming=$1
outdir=$2
shift 2
[ $# -gt 0 ] || set -- "$here"/plans/*.yaml
if [ -z "${PERIOD:-}" ]; then
	month=$(date -u +%m)
	PERIOD="$(date -u +%Y)-Q$(( (${month#0} + 2) / 3 ))"
fi

# The kinds in the order their references need; the files of the night that exist.
kinds="territories reps stages accounts products deals credits quotas activities survey fx
	assignments adjustments"
files=""
for kind in $kinds; do
	for ext in csv json jsonl; do
		[ -f "$incoming/$kind.$ext" ] && files="$files $kind:$incoming/$kind.$ext"
	done
done

for f in $files; do
	spm-import --quiet --check "${f%%:*}" "${f#*:}" || exit
done
for f in $files; do
	spm-import --quiet "${f%%:*}" "${f#*:}" || exit
done

spm-commission --quiet --period "$PERIOD" check "$@" || exit
spm-commission --quiet --period "$PERIOD" --output /dev/null run "$@" || exit

mkdir -p "$outdir/$PERIOD" || exit 74
spm-commission --period "$PERIOD" --format html --output "$outdir/$PERIOD/statements.html" \
	statement || exit
spm-commission --period "$PERIOD" --format csv --output "$outdir/$PERIOD/payroll.csv" export ||
	exit
echo "nightly: $PERIOD paid; statements and payroll in $outdir/$PERIOD" >&2
