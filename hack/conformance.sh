#!/bin/bash
# conformance.sh runs Podman's own system tests (test/system/*.bats of a
# Podman release, v4.3.1 by default) against bin/pm, rootless, as a test
# user made for the run, with the test images (stand-ins built by
# hack/testimages -podman) served by a local docker-registry on 127.0.0.1.
# It prints passed/failed/skipped totals and a per-file breakdown, and writes
# the failing tests' names and the TAP output under bin/conformance/.
#
# Nothing of Podman's is in pm's repository: the tests are copied at run
# time, outside the repository, from CONFORMANCE_PODMAN_SRC: a Podman git
# checkout or bare repository (`git clone https://github.com/containers/podman`),
# or an unpacked source tree holding test/system. See docs/conformance.md.
#
# Environment:
#   CONFORMANCE_PODMAN_SRC   Podman's source (default: this machine's snapshot)
#   CONFORMANCE_PODMAN_REF   the tag or commit to take the tests from (v4.3.1)
#   CONFORMANCE_FILES        only these test files, e.g. "030-run 055-rm"
#   CONFORMANCE_FILTER       only tests whose name matches (bats --filter)
#   CONFORMANCE_RESULTS      where results go (bin/conformance)
#   CONFORMANCE_FILE_TIMEOUT seconds one .bats file may take (3600)
#   PM_BINARY                the pm to test (bin/pm)
#
# It must run as root: it creates the test user and its subordinate ids. The
# user, its processes, the registry and the temporary directory are removed
# at the end, whatever happens.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pm_bin=${PM_BINARY:-$repo/bin/pm}
src=${CONFORMANCE_PODMAN_SRC:-/work/.mirror/containers+podman/repo}
ref=${CONFORMANCE_PODMAN_REF:-v4.3.1}
only=${CONFORMANCE_FILES:-}
filter=${CONFORMANCE_FILTER:-}
results=${CONFORMANCE_RESULTS:-$repo/bin/conformance}
file_timeout=${CONFORMANCE_FILE_TIMEOUT:-3600}
tags="containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"

# The packages the tests call that Debian has. skopeo is left out on
# purpose: it brings containers-common, whose /etc/containers files would
# change pm's behaviour for every user of the machine.
test_pkgs="bats socat jq openssl gnupg apache2-utils curl netcat-openbsd python3-yaml"

say() { echo "conformance: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it creates a test user); try sudo make conformance"
[ -x "$pm_bin" ] || die "no pm binary at $pm_bin: run make build first"

work=""
user=""
uid=""
sub_start=""
sub_count=65536
registry_pid=""
journald_pid=""

# --- clean-up -----------------------------------------------------------

# run_as runs a command as the test user with the tests' environment.
run_as() {
	runuser -u "$user" -- env -i \
		HOME="$work/home" USER="$user" LOGNAME="$user" SHELL=/bin/bash \
		PATH="$work/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" \
		XDG_RUNTIME_DIR="$work/run" TMPDIR="$work/tmp" LANG=C.UTF-8 TERM=dumb \
		CONTAINERS_REGISTRIES_CONF="$work/registries.conf" \
		PODMAN="$work/bin/podman" \
		"$@"
}

# user_pids lists the processes of the test user and of its subordinate ids
# (containers' processes): all of them belong to this run.
user_pids() {
	local status pid ruid euid
	for status in /proc/[0-9]*/status; do
		pid=${status#/proc/}
		pid=${pid%/status}
		read -r _ ruid euid _ < <(grep '^Uid:' "$status" 2>/dev/null) || continue
		for id in "$ruid" "$euid"; do
			if [ "$id" = "$uid" ] || { [ -n "$sub_start" ] && [ "$id" -ge "$sub_start" ] && [ "$id" -lt $((sub_start + sub_count)) ]; }; then
				echo "$pid"
				break
			fi
		done
	done
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	if [ -n "$user" ] && id "$user" >/dev/null 2>&1; then
		say "cleaning up user $user"
		run_as timeout 120 "$work/bin/pm" pod rm -a -f -t 0 >/dev/null 2>&1
		run_as timeout 120 "$work/bin/pm" rm -a -f -t 0 >/dev/null 2>&1
		run_as timeout 120 "$work/bin/pm" system reset -f >/dev/null 2>&1
		local deadline=$((SECONDS + 60)) pids
		while :; do
			pids=$(user_pids)
			[ -z "$pids" ] && break
			if [ $SECONDS -ge $deadline ]; then
				say "processes of $user still there: $(echo $pids)"
				break
			fi
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
			sleep 0.2
		done
		userdel -f "$user" >/dev/null 2>&1 || say "userdel $user failed"
		for f in /etc/subuid /etc/subgid; do
			if grep -q "^$user:" "$f" 2>/dev/null; then
				sed -i "/^$user:/d" "$f"
			fi
		done
	fi
	if [ -n "$registry_pid" ]; then
		kill -KILL "$registry_pid" 2>/dev/null
		wait "$registry_pid" 2>/dev/null
	fi
	if [ -n "$journald_pid" ]; then
		kill -TERM "$journald_pid" 2>/dev/null
		wait "$journald_pid" 2>/dev/null
	fi
	if [ -n "$work" ] && [ -d "$work" ]; then
		grep -F " $work/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
			umount -l "$m" 2>/dev/null
		done
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- packages -----------------------------------------------------------

install_packages() {
	"$repo/hack/install-deps.sh"
	local missing="" p
	for p in $test_pkgs; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	for p in $missing; do
		apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
			say "package $p could not be installed; the tests that need it will fail or skip"
	done
	command -v bats >/dev/null || die "bats is not installed"
}

# --- the tests ----------------------------------------------------------

fetch_tests() {
	local dst=$work/podman g
	mkdir -p "$dst"
	for g in "--git-dir=$src" "-C $src"; do
		# shellcheck disable=SC2086
		if git -c safe.directory='*' $g rev-parse -q --verify "$ref^{commit}" >/dev/null 2>&1; then
			# shellcheck disable=SC2086
			git -c safe.directory='*' $g archive "$ref" test/system | tar -x -C "$dst"
			say "tests: test/system of $ref from $src"
			return 0
		fi
	done
	if [ -d "$src/test/system" ]; then
		say "tests: $src has no $ref; using its test/system as it is"
		mkdir -p "$dst/test"
		cp -a "$src/test/system" "$dst/test/"
		return 0
	fi
	die "no Podman tests at $src (set CONFORMANCE_PODMAN_SRC to a Podman checkout; see docs/conformance.md)"
}

# --- the user -----------------------------------------------------------

# free_subid_start prints a subordinate id start past every range of
# /etc/subuid and /etc/subgid, on a 65536 boundary.
free_subid_start() {
	cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: '
		NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { end = $2 + $3; if (end > max) max = end }
		END { if (max < 1000000) max = 1000000; print int((max + 65535) / 65536) * 65536 }'
}

make_user() {
	user="pmconf$(od -An -N3 -tx1 /dev/urandom | tr -d " \n")"
	# The passwd entry names /home/USER (not made), where Podman's tests
	# expect a user's home (030-run's keep-id HOME); the tests run with
	# HOME=$work/home.
	useradd -M -d "/home/$user" -s /bin/bash "$user"
	uid=$(id -u "$user")
	for f in /etc/subuid /etc/subgid; do
		sed -i "/^$user:/d" "$f" 2>/dev/null || true
	done
	sub_start=$(free_subid_start)
	echo "$user:$sub_start:$sub_count" >>/etc/subuid
	echo "$user:$sub_start:$sub_count" >>/etc/subgid
	local d
	for d in home run tmp; do
		mkdir -p "$work/$d"
		chown "$user:" "$work/$d"
	done
	chmod 700 "$work/run"
	say "user $user (uid $uid, subordinate ids $sub_start:$sub_count)"
}

# --- the journal --------------------------------------------------------

# start_journald starts a systemd-journald for the run where none runs (a
# machine without systemd as PID 1): the tests of the journald log driver
# read the test user's entries back. The journal is the persistent one,
# which keeps a file per user, so the user can read its own.
start_journald() {
	local bin=/lib/systemd/systemd-journald deadline
	if pgrep -x systemd-journal >/dev/null || [ ! -x "$bin" ] || [ ! -d /var/log/journal ]; then
		return
	fi
	# This mark has journald open the persistent journal at once.
	mkdir -p /run/systemd/journal
	rm -f /run/systemd/journal/socket
	: >/run/systemd/journal/flushed
	setsid "$bin" </dev/null >/dev/null 2>&1 &
	journald_pid=$!
	deadline=$((SECONDS + 10))
	until [ -S /run/systemd/journal/socket ]; do
		[ $SECONDS -lt $deadline ] || die "systemd-journald did not open its socket"
		sleep 0.05
	done
	say "started systemd-journald for the run"
}

# --- the registry and images --------------------------------------------

port_free() { ! { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; }

start_registry() {
	local port dir=$work/registry
	for port in $(shuf -i 20000-29999 -n 50); do
		port_free "$port" && break
	done
	mkdir -p "$dir/data"
	cat >"$dir/config.yml" <<-EOF
	version: 0.1
	log:
	  level: error
	  accesslog:
	    disabled: true
	storage:
	  filesystem:
	    rootdirectory: $dir/data
	  delete:
	    enabled: true
	http:
	  addr: 127.0.0.1:$port
	EOF
	docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
	registry_pid=$!
	local deadline=$((SECONDS + 30))
	until curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; do
		kill -0 "$registry_pid" 2>/dev/null || die "docker-registry exited: $(cat "$dir/registry.log")"
		[ $SECONDS -lt $deadline ] || die "docker-registry did not answer on 127.0.0.1:$port"
		sleep 0.2
	done
	registry=127.0.0.1:$port
	say "registry on $registry"
}

push_images() {
	say "building the stand-in test images"
	(cd "$repo" && go build -tags "$tags" -o "$work/testimages" ./hack/testimages)
	"$work/testimages" -podman -out "$work/images" -registry "$registry"
	rm -rf "$work/images"
	# quay.io/libpod is where the tests pull from (many by a literal name),
	# and k8s.gcr.io the pause image of 200-pod; the local registry stands
	# in for both.
	cat >"$work/registries.conf" <<-EOF
	unqualified-search-registries = ["quay.io", "docker.io"]

	[[registry]]
	prefix = "quay.io/libpod"
	location = "$registry/libpod"
	insecure = true

	[[registry]]
	prefix = "k8s.gcr.io"
	location = "$registry/k8s.gcr.io"
	insecure = true
	EOF
	chmod 644 "$work/registries.conf"
}

setup_bin() {
	mkdir -p "$work/bin"
	cp "$pm_bin" "$work/bin/pm"
	chmod 755 "$work/bin/pm"
	# A link, so that pm, called as podman, names itself so in usage
	# lines and messages, which the tests read (Podman names itself as
	# it was called too).
	ln -s pm "$work/bin/podman"
}

# --- running and counting -----------------------------------------------

run_file() {
	local f=$1 name tap
	name=$(basename "$f" .bats)
	tap=$results/tap/$name.tap
	local args=(--tap)
	[ -n "$filter" ] && args+=(--filter "$filter")
	say "running $name"
	local rc=0
	(cd "$work/podman" && run_as timeout -k 30 "$file_timeout" bats "${args[@]}" "test/system/$name.bats") \
		>"$tap" 2>&1 </dev/null || rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "# conformance: $name.bats timed out after ${file_timeout}s" >>"$tap"
	fi
}

# count reads the TAP files and writes the summary, the failing tests and
# the skipped tests with their reasons.
count() {
	local summary=$results/summary.txt
	awk -v failures="$results/failures.txt" -v skips="$results/skips.txt" '
		FNR == 1 {
			if (file != "") finish()
			file = FILENAME; sub(/.*\//, "", file); sub(/\.tap$/, "", file)
			plan = 0; seen = 0; p = 0; f = 0; s = 0
		}
		/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0 }
		/^ok [0-9]+ / {
			seen++
			line = $0; sub(/^ok [0-9]+ /, "", line)
			if (line ~ / # [Ss][Kk][Ii][Pp]/) {
				s++; print file ": " line > skips
			} else p++
			next
		}
		/^not ok [0-9]+ / {
			seen++; f++
			line = $0; sub(/^not ok [0-9]+ /, "", line)
			print file ": " line > failures
			next
		}
		function finish() {
			if (plan > seen) {
				f += plan - seen
				print file ": (" plan - seen " tests not run: the file stopped early)" > failures
			}
			printf "%-32s %6d %6d %6d\n", file, p, f, s
			P += p; F += f; S += s
		}
		END {
			if (file != "") finish()
			printf "%-32s %6s %6s %6s\n", "total", P, F, S
			printf "conformance: %d passed, %d failed, %d skipped\n", P, F, S
		}
	' "$results"/tap/*.tap >"$summary.body"
	{
		printf "%-32s %6s %6s %6s\n" "file" "passed" "failed" "skipped"
		cat "$summary.body"
	} >"$summary"
	rm -f "$summary.body"
	touch "$results/failures.txt" "$results/skips.txt"
}

main() {
	install_packages
	work=$(mktemp -d /tmp/pm-conformance-XXXXXX)
	chmod 755 "$work"
	rm -rf "$results"
	mkdir -p "$results/tap"
	fetch_tests
	setup_bin
	make_user
	start_journald
	# The journal keeps a user's file once the user has logged something
	# (a session would have): the tests ask journalctl whether the user
	# can read the journal before they use it.
	run_as systemd-cat -t pm-conformance echo "pm conformance run" || say "could not log as $user to the journal"
	start_registry
	push_images
	chown -R "$user:" "$work/podman"

	local files=() f
	if [ -n "$only" ]; then
		for f in $only; do
			f=${f%.bats}
			[ -f "$work/podman/test/system/$f.bats" ] || die "no test file $f.bats in $ref"
			files+=("$work/podman/test/system/$f.bats")
		done
	else
		files=("$work/podman"/test/system/*.bats)
	fi
	local start=$SECONDS
	for f in "${files[@]}"; do
		run_file "$f"
	done
	count
	cat "$results/summary.txt"
	say "took $(((SECONDS - start) / 60)) minutes; failing tests: $results/failures.txt, output: $results/tap/"
}

main "$@"
