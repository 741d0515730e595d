#!/usr/bin/env bash
# pg.sh — a throwaway PostgreSQL cluster on loopback for tests.
#
#   pg.sh start DIR   initialise a cluster in DIR/data, start it on 127.0.0.1
#                     (port 54329 when free, otherwise a free random port),
#                     create database "resellerkit" and print its DSN on stdout.
#   pg.sh stop DIR    stop the cluster started in DIR and delete DIR/data.
#   pg.sh dsn DIR     print the DSN of the running cluster again.
#
# Only the DSN goes to stdout; progress and errors go to stderr, so
#   export RESELLERKIT_TEST_POSTGRES_DSN="$(.ci/pg.sh start "$dir")"
# works. Binaries are taken from /usr/lib/postgresql/<newest>/bin or PATH; when
# PostgreSQL is absent the script installs it with apt-get (Debian/Ubuntu).
# initdb and postgres refuse to run as root, so as root the cluster runs as the
# "postgres" system user (created when missing). DIR's parents must be
# traversable by that user (e.g. a mktemp -d directory under /tmp).
# The cluster trusts loopback connections and runs with fsync off: tests only.
set -euo pipefail

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	echo "usage: $0 start|stop|dsn DIR" >&2
	exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data=$dir/data

find_bindir() {
	local d
	# newest major version first
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			echo "$d"
			return 0
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

bindir=$(find_bindir || true)
if [[ -z $bindir && $cmd == start ]]; then
	log "PostgreSQL not found; installing it with apt-get"
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is unavailable; install PostgreSQL (initdb, pg_ctl) and retry"
	sudo=""
	[[ $(id -u) -eq 0 ]] || sudo="sudo"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	bindir=$(find_bindir) || die "PostgreSQL still not found after apt-get install"
fi
[[ -n $bindir ]] || die "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin or PATH"

# as_pg runs a command as the cluster owner: ourselves, or "postgres" when root.
if [[ $(id -u) -eq 0 ]]; then
	if ! id postgres >/dev/null 2>&1; then
		log "creating system user postgres"
		useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
	fi
	as_pg() {
		if command -v runuser >/dev/null 2>&1; then
			runuser -u postgres -- "$@"
		else
			su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
		fi
	}
	chown postgres "$dir"
else
	as_pg() { "$@"; }
fi

port_free() {
	# a refused connection means nobody listens there
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
	if [[ -f $data/postmaster.pid ]] && as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		die "a cluster is already running in $data (run: $0 stop $dir)"
	fi
	as_pg test -w "$dir" || die "user $(as_pg id -un) cannot write $dir; use a directory it can reach, e.g. \$(mktemp -d)"
	rm -rf "$data"
	log "initdb in $data ($bindir)"
	as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }

	local port attempt
	for attempt in 1 2 3 4 5 6 7 8; do
		if [[ $attempt -eq 1 ]]; then port=54329; else port=$((20000 + RANDOM % 40000)); fi
		port_free "$port" || continue
		log "starting postgres on 127.0.0.1:$port"
		if as_pg "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
			-o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >&2; then
			local dsn="postgres://postgres@127.0.0.1:$port/resellerkit?sslmode=disable"
			as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres resellerkit ||
				die "createdb failed (see $dir/postgres.log)"
			echo "$dsn" >"$dir/dsn"
			echo "$dsn"
			return 0
		fi
		log "start on port $port failed; retrying"
		tail -n 5 "$dir/postgres.log" >&2 || true
	done
	die "could not start postgres (see $dir/postgres.log)"
}

stop() {
	if [[ -d $data ]]; then
		as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2 || log "cluster in $data was not running"
		rm -rf "$data"
	fi
	rm -f "$dir/dsn"
}

case $cmd in
start) start ;;
stop) stop ;;
dsn) cat "$dir/dsn" 2>/dev/null || die "no running cluster in $dir" ;;
*) usage ;;
esac
