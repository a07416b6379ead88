#!/bin/sh
# The store as the tools see it: created private, upgraded or refused by schema version, and a
# writer that finds another holding the lock fails with exit 75 (try again) and changes nothing.
. "$SPM_SRC/tests/cli/lib.sh"

printf 'territory_id\nT1\n' >t.csv
umask 022
run spm-import --db fresh.db territories t.csv
expect_status 0
expect_eq "a new store is private whatever the umask" "600" "$(stat -c %a fresh.db)"
expect_eq "schema version" "4" "$(sqlite3 fresh.db 'pragma user_version')"
expect_eq "WAL journal" "wal" "$(sqlite3 fresh.db 'pragma journal_mode')"

# --db wins over SPM_DB, which wins over ./spm.db.
run spm-import territories t.csv
expect_status 0
expect_eq "SPM_DB used" "1" "$(sql "select count(*) from territories")"
(unset SPM_DB; cd "$tmp" && spm-import -q territories t.csv)
expect_eq "./spm.db by default" "1" "$(sqlite3 "$tmp/spm.db" "select count(*) from territories")"

# A store written by a newer spm is refused and left alone.
sqlite3 fresh.db 'pragma user_version = 99'
run spm-import --db fresh.db territories t.csv
expect_status 70
expect_err "spm-import: store 'fresh.db' has schema version 99, newer than this spm supports (4): upgrade spm"
expect_eq "left alone" "99" "$(sqlite3 fresh.db 'pragma user_version')"

# A file that is not a store.
printf 'hello\n' >notes.txt
run spm-import --db notes.txt territories t.csv
expect_status 70
expect_err_has "notes.txt"
expect_eq "file untouched" "hello" "$(cat notes.txt)"

# Another process holds the write lock: exit 75, nothing written.
before=$(digest)
{ printf 'BEGIN IMMEDIATE;\nINSERT INTO territories(territory_id) VALUES (%s);\n' "'LOCK'"; sleep 6; printf 'ROLLBACK;\n'; } |
	sqlite3 "$SPM_DB" &
holder=$!
sleep 1
printf 'territory_id\nT2\n' >t2.csv
SPM_BUSY_TIMEOUT=100 run spm-import territories t2.csv
expect_status 75
expect_err_has "busy"
wait "$holder"
expect_eq "nothing written" "$before" "$(digest)"
run spm-import territories t2.csv
expect_status 0
finish
