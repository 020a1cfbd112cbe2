#!/usr/bin/env bash
# End-to-end checks of aimsctl as a user runs it: a SQLite workspace, the
# inventory, PDCA status, and tampering with the journal through the sqlite3
# tool, which `aimsctl journal verify` must detect and name.
# Usage: cli.sh AIMSCTL TMPDIR
set -euo pipefail
bin=$1
dir=$2
db="$dir/ws.db"
fail() { echo "cli.sh: $*" >&2; exit 1; }
# Every change needs a role: alice founds the workspaces below.
export AIMSCTL_ACTOR=alice

if ! command -v sqlite3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3) >/dev/null 2>&1 || true
  fi
fi

"$bin" init --db "$db"
"$bin" role assign --db "$db" --actor alice --role aims-manager --role top-management
"$bin" system add --db "$db" --id credit --name "Credit scoring" --role provider --owner alice
"$bin" system add --db "$db" --id assistant --name "LLM assistant" --role customer --owner bob
"$bin" system list --db "$db" | grep -q "Credit scoring" || fail "system list misses a system"
if "$bin" system add --db "$db" --id credit --name "Again" 2>"$dir/err"; then fail "duplicate system accepted"; fi
"$bin" journal verify --db "$db"
if "$bin" pdca status --db "$db" >"$dir/pdca" 2>&1; then :; fi
grep -q "5.2" "$dir/pdca" || fail "pdca status does not name clause 5.2"

if command -v sqlite3 >/dev/null 2>&1; then
  cp "$db" "$dir/tamper.db"
  sqlite3 "$dir/tamper.db" "UPDATE aims_journal SET actor = 'mallory' WHERE seq = 2;"
  if "$bin" journal verify --db "$dir/tamper.db" >"$dir/out" 2>&1; then
    fail "journal verify passed on an edited journal"
  fi
  grep -q "entry 2" "$dir/out" || { cat "$dir/out"; fail "journal verify did not name entry 2"; }
  echo "tampered journal detected: $(cat "$dir/out")"
else
  echo "WARNING: sqlite3 tool not available; tamper check through it skipped (the Go tests tamper through database/sql)" >&2
fi
# The README's main command: the worked organisation, readiness failing at
# the start and passing at the end.
"$bin" demo --db "$dir/demo.db" >"$dir/demo.out"
grep -q "Readiness, stage 2: READY" "$dir/demo.out" || { cat "$dir/demo.out"; fail "demo did not end ready"; }
"$bin" journal verify --db "$dir/demo.db"
"$bin" readiness --db "$dir/demo.db" --stage 1
# --- crosswalk mapping schema (issue 14) ---
# The crosswalk to the NIST AI RMF as an OSCAL 1.2.1 mapping collection,
# validated against NIST's schema when the schemas are present.
"$bin" catalog map --to nist-ai-rmf --format oscal >"$dir/mapping-nist.json"
grep -q '"mapping-collection"' "$dir/mapping-nist.json" || fail "catalog map --format oscal wrote no mapping collection"
if [ -n "${ISO42001_REQUIRE_OSCAL:-}" ]; then
  go run ./internal/cmd/oscalcheck -model mapping "$dir/mapping-nist.json"
fi
# --- end crosswalk mapping schema ---
# --- journal tamper cases (issue 12) -----------------------------------
# Someone with write access to the SQLite file: a record inserted with no
# journal entry, the newest entry cut from the end, the tenant wiped. A
# signed checkpoint, kept outside the database, catches the last two.
if command -v sqlite3 >/dev/null 2>&1; then
  jdb="$dir/journal.db"
  "$bin" journal keygen --out "$dir/journal-key.pem" >"$dir/journal-key.pub.pem"
  [ "$(stat -c %a "$dir/journal-key.pem")" = 600 ] || fail "journal keygen: private key is not mode 0600"
  "$bin" init --db "$jdb" --owner alice
  "$bin" system add --db "$jdb" --id credit --name "Credit scoring" --role provider --owner alice
  "$bin" system add --db "$jdb" --id assistant --name "LLM assistant" --role customer --owner bob
  # init records the tenant's first PDCA cycle (entry 1), its owner (2) and, in the same commit, the
  # founding marker (3); the systems are 4 and 5.
  "$bin" journal head --db "$jdb" | grep -q "seq:    5" || fail "journal head is not at entry 5"
  "$bin" journal checkpoint --db "$jdb" --key "$dir/journal-key.pem" >"$dir/cp.json"
  "$bin" journal verify --db "$jdb" --checkpoint "$dir/cp.json" --key "$dir/journal-key.pub.pem" | grep -q "consistent with 1 signed checkpoint" ||
    fail "journal verify against a fresh checkpoint"

  # journal_case NAME SQL EXPECTED [--checkpoint]: tamper a copy, verify must exit 1 naming EXPECTED.
  journal_case() {
    local name=$1 sql=$2 want=$3
    shift 3
    cp "$jdb" "$dir/j-$name.db"
    sqlite3 "$dir/j-$name.db" "$sql"
    if "$bin" journal verify --db "$dir/j-$name.db" "$@" >"$dir/j-$name.out" 2>&1; then
      cat "$dir/j-$name.out"; fail "journal verify passed after: $name"
    fi
    grep -q "$want" "$dir/j-$name.out" || { cat "$dir/j-$name.out"; fail "journal verify after $name did not say: $want"; }
    echo "journal tamper detected ($name): $(tail -n 1 "$dir/j-$name.out")"
  }
  journal_case record-without-entry \
    "INSERT INTO aims_records (tenant, kind, id, version, attrs, data) SELECT tenant, kind, 'ghost', 1, attrs, data FROM aims_records WHERE id = 'credit';" \
    "record ai-system/ghost: is stored at version 1 but no journal entry mentions it"
  cut="DELETE FROM aims_journal WHERE seq = 5; DELETE FROM aims_records WHERE id = 'assistant'; DELETE FROM aims_record_attrs WHERE id = 'assistant';"
  cp "$jdb" "$dir/j-cut-plain.db"
  sqlite3 "$dir/j-cut-plain.db" "$cut"
  "$bin" journal verify --db "$dir/j-cut-plain.db" >/dev/null || fail "a cut tail without a checkpoint should look intact (this case proves the checkpoint matters)"
  journal_case cut-tail "$cut" "journal entry 5: the journal ends at entry 4 but the checkpoint" --checkpoint "$dir/cp.json"
  journal_case wiped-tenant "DELETE FROM aims_journal; DELETE FROM aims_records; DELETE FROM aims_record_attrs;" \
    "journal entry 1: the journal ends at entry 0" --checkpoint "$dir/cp.json" --key "$dir/journal-key.pub.pem"
else
  echo "WARNING: sqlite3 tool not available; journal tamper cases skipped (the Go tests tamper through database/sql)" >&2
fi
# --- end of journal tamper cases ---------------------------------------
# --- AIMS as code (issue 13) ---
# The worked organisation's manifest applied to a fresh workspace: plan
# says something would change (exit 2), apply carries it out, a second
# plan has nothing to do (exit 0), export writes it back.
# The story is dated: the workspace (and its PDCA cycle 1) starts on
# 2026-01-05, the manifest's records of what happened follow in February
# and March, and every command runs on 2026-04-01 -- so that the checks
# "in this cycle" and the documents' review dates read the same every year.
mdb="$dir/manifest.db"
AIMSCTL_NOW=2026-01-05T09:00:00Z "$bin" init --db "$mdb" --as alice
export AIMSCTL_NOW=2026-04-01T09:00:00Z
set +e
"$bin" plan -f examples/manifests/northwind.yaml --db "$mdb" >"$dir/plan1.out"; rc=$?
set -e
[ "$rc" = 2 ] || { cat "$dir/plan1.out"; fail "plan of a new manifest exited $rc, want 2"; }
"$bin" apply -f examples/manifests/northwind.yaml --db "$mdb" --as alice >/dev/null
"$bin" plan -f examples/manifests/northwind.yaml --db "$mdb" >/dev/null || fail "plan after apply wants changes"
# The manifest alone brings the fresh workspace to stage 1 readiness:
# impact assessments approved, measurements, audits and the management
# review recorded (readiness exits 0 only when every check passes).
"$bin" readiness --db "$mdb" --stage 1 >"$dir/ready1.out" || { cat "$dir/ready1.out"; fail "northwind.yaml alone is not stage 1 ready"; }
grep -q "READY" "$dir/ready1.out" || { cat "$dir/ready1.out"; fail "readiness after apply does not say READY"; }
"$bin" export --db "$mdb" --schema aims-manifest.schema.json >"$dir/export.yaml"
cmp -s "$dir/export.yaml" examples/manifests/northwind.yaml || { diff "$dir/export.yaml" examples/manifests/northwind.yaml | head -40; fail "export differs from northwind.yaml"; }
# export -> apply to another fresh workspace -> export: the same bytes.
mdb2="$dir/manifest2.db"
AIMSCTL_NOW=2026-01-05T09:00:00Z "$bin" init --db "$mdb2" >/dev/null
"$bin" apply -f "$dir/export.yaml" --db "$mdb2" --as alice >/dev/null
"$bin" export --db "$mdb2" --schema aims-manifest.schema.json | cmp -s - "$dir/export.yaml" || fail "export -> apply -> export differs"
"$bin" journal verify --db "$mdb"
unset AIMSCTL_NOW
# --- end AIMS as code ---
echo "cli.sh: ok"
