// Not a module of its own: these files are copied into pm's copy of
// go.podman.io/storage by hack/storage-overlay.sh, at the same paths. This
// go.mod keeps them out of pm's module and its ./... patterns.
module pm-storage-overlay

go 1.26.0
