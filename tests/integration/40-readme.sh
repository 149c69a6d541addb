# The README's examples run exactly as written.
#
# README.md marks each tested example with an HTML comment on the line right
# before its ```sh fence:
#
#   <!-- test [user] expect="REGEX" expect="REGEX" -->
#
# Each such block runs in its own "bash -e" from the top of the source tree,
# with a directory holding only "sockjail" (a link to $SOCKJAIL) first on
# PATH. It must exit 0, and every expect= (an extended regular expression,
# as grep -E takes it) must match a line of its output, stdout and stderr
# together. Every block runs as root, without $XDG_RUNTIME_DIR; those
# marked "user" (the README says they work for an ordinary user) run again
# as uid 65534, a real user to the kernel, with XDG_RUNTIME_DIR set to a
# /run/user/65534 the test makes (as a login session would) and removes.
#
# The source tree is found by readme_srcdir (lib.sh).

# Split README.md into $1/N.sh and $1/N.expect (one regex a line); print N.
readme_extract() {
	awk -v out="$1" '
		function attrs(line,   rest, m) {
			rest = line
			while (match(rest, /expect="[^"]*"/)) {
				m = substr(rest, RSTART + 8, RLENGTH - 9)
				print m > (out "/" n ".expect")
				rest = substr(rest, RSTART + RLENGTH)
			}
		}
		/^<!-- test( [^>]*)? -->$/ { pending = 1; marker = $0; next }
		pending && /^```sh$/ {
			n++
			printf "" > (out "/" n ".expect")
			if (marker ~ /^<!-- test user /)
				printf "" > (out "/" n ".user")
			attrs(marker)
			inblock = 1; pending = 0; next
		}
		{ pending = 0 }
		inblock && /^```$/ { inblock = 0; close(out "/" n ".sh"); next }
		inblock { print > (out "/" n ".sh") }
		END { print n + 0 }
	' "$2"
}

# run_example SRCDIR BINDIR SCRIPT OUTFILE [UID]: run one example in a
# process group of its own (as UID if given), and end whatever it left
# running when it stops (an example that fails half-way may leave a server
# in the background). Output goes to a file: a leftover holding a pipe
# would keep $(...) waiting.
run_example() {
	local as=()
	[ -n "${5:-}" ] && as=(env XDG_RUNTIME_DIR="/run/user/$5" HOME="/run/user/$5"
		setpriv --reuid="$5" --regid="$5" --clear-groups --inh-caps=-all)
	(
		cd "$1" || exit 1
		set -m
		PATH="$2:$PATH" timeout -k 5 60 "${as[@]}" bash -e "$3" >"$4" 2>&1 </dev/null &
		local group=$! rc i
		wait "$group"
		rc=$?
		# TERM first: sockjail passes it on and removes the run-dirs it made.
		kill -TERM -- "-$group" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 -- "-$group" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$group" 2>/dev/null
		exit "$rc"
	) 2>/dev/null # job control's "Done" notices
}

# check_example N WHO: example N ran (status in $rc, output in N.out).
check_example() {
	local out re
	out=$(cat "$dir/$1.out")
	if [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out" >&2
		fail "README example $1 ($2) exited with status $rc: $(head -n 1 "$dir/$1.sh")"
	fi
	while IFS= read -r re; do
		if ! printf '%s\n' "$out" | grep -Eq -- "$re"; then
			printf '%s\n' "$out" >&2
			fail "README example $1 ($2): output does not match /$re/"
		fi
	done <"$dir/$1.expect"
}

t_readme_examples() {
	require_root_mode
	require_cmd socat
	require_cmd setpriv
	[ -x "$PY" ] || skip "python3 is not installed (make deps)"
	local src n i rc users=0 bin=$SJ_TMP/bin dir=$SJ_TMP/examples uid=65534
	src=$(readme_srcdir) || fail "cannot find the source tree (README.md); set SJ_SRCDIR"
	mkdir -p "$bin" "$dir"
	ln -s "$SOCKJAIL" "$bin/sockjail"
	n=$(readme_extract "$dir" "$src/README.md")
	# The README promises five copy-paste examples.
	[ "$n" -ge 5 ] || fail "README.md has $n tested examples, expected at least 5"
	# The user's session directory, as logind would make it, if there is none.
	if [ ! -d "/run/user/$uid" ]; then
		mkdir -p -m 0755 /run/user && mkdir -m 0700 "/run/user/$uid" && chown "$uid:$uid" "/run/user/$uid" ||
			fail "cannot make /run/user/$uid"
		trap 'sj_bg_cleanup; rm -rf "/run/user/'"$uid"'"' EXIT
	fi
	# The user reads the examples and runs sockjail from here.
	chmod 0755 "$SJ_TMP" "$bin" "$dir"
	chmod 0644 "$dir"/*
	for ((i = 1; i <= n; i++)); do
		[ -s "$dir/$i.expect" ] || fail "README example $i has no expect= in its <!-- test --> marker"
		run_example "$src" "$bin" "$dir/$i.sh" "$dir/$i.out"
		rc=$?
		check_example "$i" root
		[ -e "$dir/$i.user" ] || continue
		run_example "$src" "$bin" "$dir/$i.sh" "$dir/$i.out" "$uid"
		rc=$?
		check_example "$i" "uid $uid"
		users=$((users + 1))
	done
	# The five of "## Examples" say they work for an ordinary user too.
	[ "$users" -ge 5 ] || fail "only $users of $n README examples are marked as working for a user"
	return 0
}

# The quick start's sandbox shows an empty /run and only lo.
t_readme_quick_start() {
	local src line cmd out bin=$SJ_TMP/bin
	src=$(readme_srcdir) || fail "cannot find the source tree (README.md); set SJ_SRCDIR"
	line=$(grep -m 1 '^make deps all && ./build/sockjail ' "$src/README.md") ||
		fail "README.md has no 'make deps all && ./build/sockjail ...' line"
	# Everything after "make deps all && ", with the binary under test.
	cmd=${line#make deps all && ./build/sockjail }
	mkdir -p "$bin"
	ln -sf "$SOCKJAIL" "$bin/sockjail"
	out=$(cd "$src" && PATH="$bin:$PATH" timeout -k 5 60 bash -c "sockjail $cmd" 2>&1) ||
		fail "quick start command failed: $out"
	expect_eq "$out" "lo" "quick start output"
}
