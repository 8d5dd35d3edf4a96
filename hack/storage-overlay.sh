#!/bin/sh
# storage-overlay.sh prepares the build's copy of go.podman.io/storage: the
# version go.mod names, copied from the module cache into bin/storage with
# hack/storage-overlay's files in place of storage's own, and bin/pm.mod,
# go.mod with a replace line naming that copy. The build passes
# -modfile=bin/pm.mod to every go command (the Makefile does). See
# pkg/stagelock for why.
set -eu
cd "$(dirname "$0")/.."
dir=$(go mod download -json go.podman.io/storage | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "storage-overlay: go mod download gave no directory for go.podman.io/storage" >&2; exit 1; }
for f in hack/storage-overlay/*.go; do
	rel=$(sed -n 's|^// replaces: ||p' "$f")
	[ -f "$dir/$rel" ] || { echo "storage-overlay: $f replaces $rel, which $dir does not have" >&2; exit 1; }
done
mkdir -p bin
rm -rf bin/storage.tmp
cp -r "$dir" bin/storage.tmp
chmod -R u+w bin/storage.tmp
for f in hack/storage-overlay/*.go; do
	cp "$f" "bin/storage.tmp/$(sed -n 's|^// replaces: ||p' "$f")"
done
rm -rf bin/storage
mv bin/storage.tmp bin/storage
{ cat go.mod; printf '\nreplace go.podman.io/storage => %s/bin/storage\n' "$PWD"; } > bin/pm.mod
cp go.sum bin/pm.sum
