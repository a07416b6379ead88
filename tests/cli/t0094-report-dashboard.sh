#!/bin/sh
# spm-report dashboard: the example company's page is whole and self-contained (no scripts, nothing
# fetched, every card there), strings from the data escaped, written only when whole; and a real
# browser, headless Chromium, renders it without an error (a page that breaks the rules is
# caught by the same check, so the check can fail).
. "$SPM_SRC/tests/cli/lib.sh"
"$SPM_SRC/examples/job.sh" >/dev/null 2>&1 || exit 1
browser=$(command -v chromium || command -v chromium-browser || true)

# A name with markup in it, on a rep who leads the half: it must come out as text.
printf 'rep_id,name,team,hire_date\nr99,"<img src=x onerror=alert(1)> & ""Co""",Enterprise,2025-01-01\n' >odd.csv
printf 'deal_id,rep_id,amount,currency,close_date,status\nODD1,r99,5000000,USD,2026-05-04,won\n' >odd-deal.csv
spm-import --quiet reps odd.csv
spm-import --quiet deals odd-deal.csv

run spm-report --period 2026-H1 --as-of 2026-06-30 --by quarter -o dash.html dashboard
expect_status 0
expect_err "spm-report: the dashboard of 2026-H1 to 2026-06-30, $(wc -c <dash.html | tr -d ' ') bytes"
expect_eq "one page, its eight cards" "8" "$(grep -c '<section class="card' dash.html)"
expect_eq "no script anywhere" "0" "$(grep -ci '<script' dash.html)"
expect_eq "nothing fetched: no address but the SVG namespace" "" \
	"$(grep -o 'https\?://[^" ]*' dash.html | sort -u | grep -v '^http://www.w3.org/2000/svg$')"
expect_eq "the odd name escaped, in the leaderboard" "0 1" \
	"$(grep -c '<img src=x' dash.html) $(grep -c '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;' dash.html | sed 's/^[1-9][0-9]*$/1/')"
expect_eq "the same store gives the same page" "$(cat dash.html)" \
	"$(spm-report --quiet --period 2026-H1 --as-of 2026-06-30 --by quarter dashboard)"
run spm-report --quiet --period 2026-Q1 --currency JPY -o bad.html dashboard
expect_status 65
expect_eq "a failed dashboard writes nothing" "no" "$([ -e bad.html ] && echo yes || echo no)"
run spm-report --period 2026-Q1 --by year dashboard
expect_status 64
expect_err_has "--by year: 2026-Q1 is shorter"

# The browser. It must be there: the suite's setup installs it (tests/run.sh).
[ -n "$browser" ] || { fail "chromium: not found (tests/run.sh installs it)"; finish; }
# render PAGE: its DOM to dom.html and a screenshot to shot.png; the browser's log to log.txt.
render() {
	rm -f dom.html shot.png
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$tmp/$1" >dom.html 2>log.txt &&
		timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
			--user-data-dir="$tmp/profile" --window-size=1280,2400 \
			--screenshot="$tmp/shot.png" "file://$tmp/$1" >/dev/null 2>>log.txt
}
# problems: what a page did wrong, as the browser logged it (console messages, refused or failed
# loads, script errors).
problems() { grep -E 'CONSOLE|Refused to|net::ERR_|Uncaught|SyntaxError' log.txt || true; }

render dash.html
expect_eq "Chromium renders the dashboard" "0" "$?"
expect_eq "and logs no problem with it" "" "$(problems)"
expect_eq "its DOM has the eight cards and the charts" "8 1" \
	"$(grep -o '<section class="card' dom.html | wc -l | tr -d ' ') $(grep -c '<svg' dom.html | sed 's/^[1-9][0-9]*$/1/')"
expect_eq "a screenshot of it" "1" "$([ -s shot.png ] && head -c 8 shot.png | od -An -c | grep -c 'P   N   G')"
# The check catches a page that fetches something: the page's own policy blocks it, and says so.
sed 's#</body>#<img src="https://example.com/x.png"></body>#' dash.html >fetch.html
render fetch.html
expect_eq "a page that fetches something is caught" "1" "$(problems | grep -c 'Content Security Policy')"
finish
