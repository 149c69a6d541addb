# make install / make uninstall (issue 13), into a DESTDIR; root only, since
# it runs make in the source tree as the runner does.
SJ_MODES="root"

# make uninstall after make install leaves an empty tree (the control: the
# install put something there).
t_make_uninstall() {
	require_cmd make
	local src dest=$SJ_TMP/dest bin
	src=$(readme_srcdir) || fail "cannot find the source tree; set SJ_SRCDIR"
	bin=$(dirname "$SOCKJAIL")
	mkdir "$dest"
	# The binary under test, not a rebuild (-o: never remake it).
	make -s -C "$src" install DESTDIR="$dest" BUILD="$bin" -o "$bin/sockjail" >"$SJ_TMP/make.out" 2>&1 ||
		fail "make install: $(cat "$SJ_TMP/make.out")"
	[ -x "$dest/usr/local/bin/sockjail" ] || fail "make install put no binary"
	[ -f "$dest/usr/local/share/sockjail/profiles/base.profile" ] || fail "make install put no profiles"
	make -s -C "$src" uninstall DESTDIR="$dest" >"$SJ_TMP/make.out" 2>&1 ||
		fail "make uninstall: $(cat "$SJ_TMP/make.out")"
	expect_eq "$(find "$dest" -mindepth 1)" "" "what make uninstall left"
}
