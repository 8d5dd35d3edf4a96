#!/bin/sh
# storage-overlay.sh prepares the build's copy of go.podman.io/storage: the
# version go.mod names, copied from the module cache into bin/storage with
# hack/storage-overlay's files in it (in place of storage's own or added),
# and bin/pm.mod, go.mod with a replace line naming that copy. The build passes
# -modfile=bin/pm.mod to every go command (the Makefile does). Why: the
# comments of pkg/stagelock and of each file there.
set -eu
cd "$(dirname "$0")/.."
dir=$(go mod download -json go.podman.io/storage | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "storage-overlay: go mod download gave no directory for go.podman.io/storage" >&2; exit 1; }
# A file's path under hack/storage-overlay is its path in storage; its
# first line says whether it replaces a file storage has or adds one
# storage must not have.
files=$(cd hack/storage-overlay && find . -name '*.go' | sed 's|^\./||' | sort)
for rel in $files; do
	case $(head -1 "hack/storage-overlay/$rel") in
	"// replaces storage's file") [ -f "$dir/$rel" ] || { echo "storage-overlay: $rel replaces a file $dir does not have" >&2; exit 1; } ;;
	"// adds to storage") [ ! -e "$dir/$rel" ] || { echo "storage-overlay: $rel adds a file $dir has already" >&2; exit 1; } ;;
	*) echo "storage-overlay: hack/storage-overlay/$rel does not say on its first line whether it replaces or adds" >&2; exit 1 ;;
	esac
done
mkdir -p bin
rm -rf bin/storage.tmp
cp -r "$dir" bin/storage.tmp
chmod -R u+w bin/storage.tmp
for rel in $files; do
	cp "hack/storage-overlay/$rel" "bin/storage.tmp/$rel"
done
rm -rf bin/storage
mv bin/storage.tmp bin/storage
{ cat go.mod; printf '\nreplace go.podman.io/storage => %s/bin/storage\n' "$PWD"; } > bin/pm.mod
cp go.sum bin/pm.sum
