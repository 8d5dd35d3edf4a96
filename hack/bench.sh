#!/bin/sh
# bench.sh times pm against podman (installed here for the comparison,
# configured with runc) and bare runc, then compares the OCI runtimes: 100 x
# /bin/true in a new container with crun, runc and runsc, through pm and
# podman and bare. `./hack/bench.sh -runtimes` runs that comparison alone,
# `-seed N` sets its runs. See hack/bench/main.go and hack/bench/runtimes.go.
set -eu
cd "$(dirname "$0")/.."
if ! command -v podman >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	echo "bench: installing podman for the side-by-side comparison"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null
fi
go build -tags "containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper" -o bin/pm-bench ./hack/bench
exec ./bin/pm-bench -pm bin/pm "$@"
