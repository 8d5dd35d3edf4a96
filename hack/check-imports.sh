#!/bin/sh
# check-imports.sh keeps pm's imports pointing down (see STYLE.md). It fails
# when a rule is broken and when `go list` itself fails: a package that does
# not build cannot be checked.
set -eu
cd "$(dirname "$0")/.."
TAGS=${TAGS:-"containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"}
MOD=$(go list -m)

# One line a package of pm: its path, then the packages of pm it depends on,
# relative to the module. A failing `go list` ends the script.
list() { # go list template of the dependencies
	out=$(go list -tags "$TAGS" -f "{{.ImportPath}}$1" ./...) || return 1
	echo "$out" | awk -v mod="$MOD/" '{
		line = ""
		for (i = 1; i <= NF; i++) if (index($i, mod) == 1) line = line " " substr($i, length(mod) + 1)
		print substr(line, 2)
	}'
}
# All dependencies for the layering rules, direct imports (tests' too) for
# the front doors.
deps=$(list '{{range .Deps}} {{.}}{{end}}') || exit 1
imports=$(list '{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}') || exit 1
echo "$deps" | grep -q '^libpod/engine .*libpod/define' || {
	echo "check-imports: go list did not list libpod/engine's dependencies" >&2
	exit 1
}

# rule PKG EXCEPT-PKG DEP EXCEPT-DEP MESSAGE < lines: reports every package
# matching PKG and not EXCEPT-PKG with a dependency matching DEP and not
# EXCEPT-DEP (extended regular expressions, anchored; "" matches nothing).
rule() {
	awk -v pkg="^($1)$" -v xpkg="^($2)$" -v dep="^($3)$" -v xdep="^($4)$" -v msg="$5" '
		$1 ~ pkg && $1 !~ xpkg {
			for (i = 2; i <= NF; i++) if ($i ~ dep && $i !~ xdep) {
				printf "check-imports: %s imports %s: %s\n", $1, $i, msg
				bad = 1
			}
		}
		END { exit bad }' >&2
}

fail=0
# define is the bottom: error classes, enums and plain structs.
echo "$deps" | rule 'libpod/define' '' '.*' '' 'define imports nothing of pm' || fail=1
# libpod never reaches up to the use cases or the front doors.
echo "$deps" | rule 'libpod(/.*)?' 'libpod/engine(/.*)?' 'libpod/engine(/.*)?|pkg/specgen(/.*)?|pkg/api(/.*)?|cmd(/.*)?' '' \
	'libpod must not import engine, specgen, pkg/api or cmd' || fail=1
# generate is pure: it may use define, never the runtime itself.
echo "$deps" | rule 'pkg/specgen/generate' '' 'libpod' '' 'generate must not use the runtime' || fail=1
# The CLI and the API are front doors: they go through the engine.
echo "$imports" | rule 'cmd(/.*)?' '' '.*' 'cmd(/.*)?|libpod/engine|libpod/define|pkg/.*' \
	'cmd imports only libpod/engine, libpod/define and pkg/*' || fail=1
echo "$imports" | rule 'pkg/api(/.*)?' '' '.*' 'libpod/engine|libpod/define|pkg/.*' \
	'pkg/api imports only libpod/engine, libpod/define and pkg/*' || fail=1
exit $fail
