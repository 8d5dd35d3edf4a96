#!/bin/sh
# check-imports.sh keeps pm's imports pointing down (see STYLE.md).
set -eu
cd "$(dirname "$0")/.."
MOD=$(go list -m)
TAGS="containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"
fail=0
deny() { # package, forbidden prefix...
	pkg=$1; shift
	deps=$(go list -tags "$TAGS" -deps "$MOD/$pkg" 2>/dev/null | grep "^$MOD/" || true)
	for bad in "$@"; do
		if echo "$deps" | grep -q "^$MOD/$bad\(/\|$\)"; then
			echo "check-imports: $pkg must not import $bad" >&2
			fail=1
		fi
	done
}
deny libpod/define libpod/engine libpod/state libpod/oci libpod/image pkg cmd
for p in $(go list -tags "$TAGS" "$MOD/libpod/..." | sed "s|^$MOD/||" | grep -v '^libpod/engine'); do
	deny "$p" libpod/engine pkg/specgen pkg/api cmd
done
# generate is pure: it may use define, never the runtime itself.
if go list -tags "$TAGS" -deps "$MOD/pkg/specgen/generate" | grep -qx "$MOD/libpod"; then
	echo "check-imports: pkg/specgen/generate must not import libpod" >&2
	fail=1
fi
exit $fail
