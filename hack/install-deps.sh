#!/bin/sh
# install-deps.sh installs the Debian packages pm needs at run time and for
# its tests. It is idempotent and quick when everything is already there.
set -eu

PKGS="runc crun runsc conmon uidmap passt slirp4netns fuse-overlayfs catatonit
netavark aardvark-dns busybox-static docker-registry iproute2 procps
libsqlite3-dev gcc make git ca-certificates tar util-linux curl python3
python3-docker docker-compose systemd iptables"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# An ordinary distribution leaves /dev/net/tun usable by every user;
# pasta and slirp4netns need it.
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" = "600" ]; then
	$SUDO chmod 0666 /dev/net/tun
fi

# The registry package starts a system service on some machines; pm's tests
# start their own registry on a free port, so the packaged one is not needed.
exit 0
