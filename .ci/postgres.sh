#!/usr/bin/env bash
# Makes a throwaway PostgreSQL server available on 127.0.0.1 for the
# aims/sqlstore tests, and prints the line that points the tests at it:
#
#   export ISO42001_PG_DSN='postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable'
#
# as the last line of stdout, or writes that line to the file named by $1.
# Usage:
#
#   eval "$(.ci/postgres.sh | tail -n 1)"     # or: .ci/postgres.sh env.sh && . env.sh
#   go test ./aims/sqlstore/...
#
# It reuses a server already answering on the port. Otherwise it finds
# initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin, installs the
# Debian package when neither exists (as root, or with passwordless sudo),
# creates a cluster in a temporary directory with trust authentication,
# listening on 127.0.0.1 only with its socket in that directory, and starts
# it. The server trades durability for speed (fsync off): it is for tests.
# Progress goes to stderr.
#
# Environment: ISO42001_PG_PORT (default 54329), ISO42001_PG_DIR (default a
# new mktemp directory).
set -euo pipefail

port=${ISO42001_PG_PORT:-54329}
out=${1:-}
dsn="postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

emit() {
	local line="export ISO42001_PG_DSN='${dsn}'"
	if [ -n "$out" ]; then
		printf '%s\n' "$line" >"$out"
		log "wrote the DSN to $out"
	fi
	printf '%s\n' "$line"
}

# bindir prints the directory holding initdb and pg_ctl, newest version
# first, or fails.
bindir() {
	local d
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		# Follow symlinks to the installation's own bin directory, which
		# also holds pg_isready.
		dirname "$(readlink -f "$(command -v initdb)")"
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

# as_root runs a command as root: directly, or through passwordless sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		die "need root (or passwordless sudo) to run: $*"
	fi
}

install_postgres() {
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available: install PostgreSQL (initdb, pg_ctl) yourself"
	log "installing PostgreSQL with apt-get"
	as_root apt-get update -qq
	# The package's own cluster may fail to start where there is no init
	# system; ours does not need it.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || {
		bindir >/dev/null || die "apt-get install postgresql failed"
		log "apt-get reported an error, but initdb is installed: continuing"
	}
}

bin=$(bindir) || { install_postgres; bin=$(bindir) || die "initdb/pg_ctl still not found after installing"; }
log "using $bin ($("$bin/pg_ctl" --version))"

# ready reports whether the server accepts connections: with pg_isready
# when there is one, else by opening a TCP connection.
isready=
if [ -x "$bin/pg_isready" ]; then
	isready=$bin/pg_isready
elif command -v pg_isready >/dev/null 2>&1; then
	isready=$(command -v pg_isready)
fi
ready() {
	if [ -n "$isready" ]; then
		"$isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
	fi
}

if ready; then
	log "a server already answers on 127.0.0.1:$port: reusing it"
	emit
	exit 0
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres user
# (created by the Debian package; created here if missing).
runas=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		log "creating the postgres system user"
		useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
	fi
	owner=postgres
	if command -v runuser >/dev/null 2>&1; then
		runas=(runuser -u postgres --)
	else
		runas=(su postgres -s /bin/sh -c '"$0" "$@"')
	fi
fi
pg() { "${runas[@]}" "$@"; }

base=${ISO42001_PG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/iso42001-pg.XXXXXX")}
mkdir -p "$base"
chmod 0755 "$base"
if [ "$owner" != "$(id -un)" ]; then
	chown "$owner:" "$base"
fi
data=$base/data
logfile=$base/server.log

if [ ! -s "$data/PG_VERSION" ]; then
	# An ICU default collation (where initdb supports it) makes the
	# database's order differ from byte order, so the tests prove that the
	# store's COLLATE "C" columns, not the cluster's locale, give byte order.
	locale_args=(--no-locale)
	if "$bin/initdb" --help 2>/dev/null | grep -q -- '--icu-locale'; then
		locale_args=(--locale-provider=icu --icu-locale=en-US --locale=C.UTF-8)
		if ! locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
			locale_args=(--locale-provider=icu --icu-locale=en-US --locale=C)
		fi
	fi
	log "initdb in $data"
	pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 "${locale_args[@]}" >&2 ||
		pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
fi

log "starting on 127.0.0.1:$port (log: $logfile)"
pg "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t 60 start \
	-o "-c listen_addresses=127.0.0.1 -p $port -k $base -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 ||
	{ cat "$logfile" >&2 || true; die "pg_ctl start failed"; }

for _ in $(seq 1 60); do
	ready && break
	sleep 0.5
done
ready || { cat "$logfile" >&2 || true; die "the server did not become ready on 127.0.0.1:$port"; }

log "ready; stop it with: ${runas[*]:+${runas[*]} }$bin/pg_ctl -D $data stop"
emit
