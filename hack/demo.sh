#!/bin/bash
# demo.sh shows pm rootless: as an unprivileged user it pulls an image from a
# real registry on 127.0.0.1 and lists it. Run by `make demo` (as root it
# creates the user "pmdemo" with a subordinate id range).
set -euo pipefail
cd "$(dirname "$0")/.."
# The same build tags as the Makefile's: without them the image library
# wants gpgme and btrfs headers that pm does not use.
TAGS=${TAGS:-"containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"}

work=$(mktemp -d /tmp/pm-demo-XXXXXX)
chmod 0755 "$work"
reg_pid=""
pm_ready=""
cleanup() {
	if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; fi
	# Whatever step failed, remove the demo's containers, storage and pause
	# process: they are all under $work, and nothing else is touched.
	if [ -n "$pm_ready" ]; then pm system reset -f >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

# The demo user.
if [ "$(id -u)" -eq 0 ]; then
	id pmdemo >/dev/null 2>&1 || useradd -m -s /bin/sh pmdemo
	for f in /etc/subuid /etc/subgid; do
		grep -q '^pmdemo:' "$f" 2>/dev/null || echo "pmdemo:600000:65536" >>"$f"
	done
	as_user() { runuser -u pmdemo -- "$@"; }
	owner=pmdemo
else
	as_user() { "$@"; }
	owner=$(id -un)
fi

# A real registry on a free loopback port, with test images built from
# busybox-static pushed into it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 50); do
	curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
	sleep 0.1
done
go build -tags "$TAGS" -o "$work/testimages" ./hack/testimages
"$work/testimages" -out "$work/images" -registry "127.0.0.1:$port" >/dev/null

# The user's own directories and a registries.conf that trusts the registry.
cp bin/pm "$work/pm"
home="$work/home"
mkdir -p "$home/.config/containers" "$work/run"
cat >"$home/.config/containers/registries.conf" <<CONF
unqualified-search-registries = ["127.0.0.1:$port"]
[[registry]]
location = "127.0.0.1:$port"
insecure = true
CONF
chown -R "$owner" "$home" "$work/run"
chmod 0700 "$work/run"
pm() { as_user env -i HOME="$home" XDG_RUNTIME_DIR="$work/run" CONTAINERS_REGISTRIES_CONF="$home/.config/containers/registries.conf" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$work/pm" "$@"; }
pm_ready=1

step "whoami"; as_user whoami
step "pm info --format '{{.Host.Security.Rootless}} {{.Store.GraphDriverName}} {{.Host.IDMappings.Source}}'"
pm info --format '{{.Host.Security.Rootless}} {{.Store.GraphDriverName}} {{.Host.IDMappings.Source}}'
step "pm unshare cat /proc/self/uid_map"; pm unshare cat /proc/self/uid_map
step "pm pull busybox"; pm pull busybox
step "pm pull 127.0.0.1:$port/multilayer"; pm pull -q "127.0.0.1:$port/multilayer"
step "pm images"; pm images
step "pm history multilayer"; pm history multilayer
webport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
step "pm run -d --name web -p 127.0.0.1:$webport:8080 busybox httpd -f -vv -p 8080 -h /var/www"
pm run -d --name web -p "127.0.0.1:$webport:8080" busybox httpd -f -vv -p 8080 -h /var/www
step "pm ps"; pm ps
step "curl http://127.0.0.1:$webport/   (from the host, through slirp4netns)"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$webport/" && break; sleep 0.1; done
step "pm exec web wget -qO- http://127.0.0.1:8080/"; pm exec web wget -qO- http://127.0.0.1:8080/
step "pm exec web cat /proc/self/status | grep -E 'Cap(Eff|Inh)|Seccomp|NoNewPrivs'"
pm exec web cat /proc/self/status | grep -E 'Cap(Eff|Inh)|Seccomp|NoNewPrivs'
step "pm logs web"; pm logs web
step "pm stop -t 2 web"; pm stop -t 2 web
step "pm ps -a"; pm ps -a
step "pm rm web"; pm rm web
step "pm run --rm busybox sh -c 'echo hello from \$(hostname); exit 3'; echo exit code \$?"
pm run --rm busybox sh -c 'echo hello from $(hostname); exit 3' || echo "exit code $?"
step "pm system reset -f"; pm system reset -f
pm_ready=""
echo
echo "demo: done"
