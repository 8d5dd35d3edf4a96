package main

import (
	"os"
	"path/filepath"
	"strings"
)

// sbinDirs hold helpers pm runs (iptables for netavark, and on some
// distributions netavark, slirp4netns, conmon), but are missing from many
// users' PATH.
var sbinDirs = []string{"/usr/sbin", "/sbin"}

// withSbin returns path with the directories of sbinDirs it lacks
// appended, as Podman does, so pm and the helpers it starts find them.
func withSbin(path string) string {
	have := map[string]bool{}
	for _, d := range filepath.SplitList(path) {
		have[filepath.Clean(d)] = true
	}
	dirs := []string{}
	if path != "" {
		dirs = append(dirs, path)
	}
	for _, d := range sbinDirs {
		if !have[d] {
			dirs = append(dirs, d)
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}
