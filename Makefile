# sockjail — plain Makefile, pkg-config for every library.
VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PROFILEDIR ?= $(PREFIX)/share/sockjail/profiles
SYSCONF_PROFILEDIR ?= /etc/sockjail/profiles

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libseccomp libnl-3.0 libnl-route-3.0 libcap

# pkg-config runs when a recipe first needs its answer, not when make reads
# this file: in `make deps all` the libraries are installed by the first goal,
# after parsing. Each query runs once (the variable replaces itself).
lazy = $(eval $(1) := $$(shell $(2)))$($(1))
PKG_CFLAGS = $(call lazy,PKG_CFLAGS,$(PKG_CONFIG) --cflags $(PKGS))
CMOCKA_CFLAGS = $(call lazy,CMOCKA_CFLAGS,$(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS = $(call lazy,CMOCKA_LIBS,$(PKG_CONFIG) --libs cmocka)

ifeq ($(SANITIZE),1)
BUILD ?= build/sanitize
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS :=
endif

WERROR ?= $(if $(CI),-Werror,)
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter \
	  -Wmissing-prototypes -Wstrict-prototypes $(WERROR) \
	  -D_GNU_SOURCE -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(SAN_FLAGS) \
	  -Iinclude $(PKG_CFLAGS) \
	  -DSJ_VERSION='"$(VERSION)"' -DSJ_PROFILEDIR='"$(PROFILEDIR)"' \
	  -DSJ_SYSCONF_PROFILEDIR='"$(SYSCONF_PROFILEDIR)"'
LDFLAGS += $(SAN_FLAGS)
# Linking. By default (STATIC ?= 1) sockjail is one static executable: no
# dynamic loader runs in any of its processes (an open, mmaps and
# relocations for every shared library in every start: a static build
# starts ~15 % faster, see the README's benchmarks), and only the objects
# it calls are linked in (the shared libnl-route-3 alone ran ~100
# constructors in every start). User and group names still resolve
# through the host's NSS: identity_lookup.c runs the host's getent, at
# GETENT (a fixed path, never looked up in $PATH), instead of calling
# getpwnam(3), which in a static glibc would need the build's glibc at
# run time. libnl's own resolvers, which sockjail never calls, are sent
# to nl_resolvers.c with ld --wrap, so no NSS code is linked at all.
# It is position-independent (-static-pie), so the supervisor, which reads
# what sandboxed processes hand it, keeps ASLR for its own code as the
# dynamic PIE build had; it starts as fast as -static, which
# STATIC_LINK=-static gives where the toolchain lacks static-pie.
#   STATIC=0       libc shared, libseccomp, libcap and libnl from their archives
#   STATIC_LIBS=0  every library shared (distributions that prefer that; implies STATIC=0)
# SANITIZE=1 builds link dynamically (ASan needs the dynamic loader); the
# unit tests and fuzzers link like STATIC=0.
GETENT ?= /usr/bin/getent
CFLAGS += -DSJ_GETENT='"$(GETENT)"'
STATIC_LIBS ?= $(if $(filter 0,$(LIBNL_STATIC)),0,1)
STATIC ?= $(if $(filter 1,$(SANITIZE)),0,$(STATIC_LIBS))
ifeq ($(STATIC)$(SANITIZE),11)
$(error SANITIZE=1 cannot be linked statically (ASan needs the dynamic loader): leave STATIC unset)
endif
ifeq ($(STATIC)$(STATIC_LIBS),10)
$(error STATIC=1 needs the libraries' archives: STATIC_LIBS=0 goes with STATIC=0)
endif
SJ_LIBS = $(call lazy,SJ_LIBS,$(PKG_CONFIG) --libs libseccomp libcap)
NL_LIBS = $(call lazy,NL_LIBS,$(PKG_CONFIG) --libs libnl-route-3.0 libnl-3.0)
ALL_STATIC_LIBS = $(call lazy,ALL_STATIC_LIBS,$(PKG_CONFIG) --static --libs libnl-route-3.0 libnl-3.0 libseccomp libcap)
ifeq ($(STATIC_LIBS),1)
LDLIBS = -Wl,-Bstatic $(NL_LIBS) $(SJ_LIBS) -Wl,-Bdynamic
else
LDLIBS = $(NL_LIBS) $(SJ_LIBS)
endif
# Its relative relocations are packed as DT_RELR where the toolchain and
# glibc support it (launcher/gen/relr_probe): a table of ~600 bytes
# instead of 2400 24-byte entries, read and applied in every process
# start, 3-5 % of a start-up on the benchmark machine (README.md,
# "Benchmarks"). RELR=0 leaves it out.
RELR ?= $(call lazy,RELR,launcher/gen/relr_probe '$(CC)')
RELR_LDFLAGS = $(if $(filter 1,$(RELR)),-Wl$(comma)-z$(comma)pack-relative-relocs)
comma := ,
# How sockjail itself (and its fault-injection build) is linked.
NL_WRAPPED := getaddrinfo getnameinfo getprotobyname getprotobynumber
ifeq ($(STATIC),1)
STATIC_LINK ?= -static-pie
SJ_LDFLAGS = $(STATIC_LINK) $(RELR_LDFLAGS) $(foreach f,$(NL_WRAPPED),-Wl,--wrap=$(f))
SJ_LDLIBS = $(ALL_STATIC_LIBS)
SJ_LINK_OBJS = $(BUILD)/obj/nl_resolvers.o
else
SJ_LDFLAGS =
SJ_LDLIBS = $(LDLIBS)
SJ_LINK_OBJS =
endif

SRCS := $(wildcard launcher/*.c)
OBJS := $(patsubst launcher/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))

# COMMAND's seccomp programs, baked at build time by the code that builds
# them at run time (launcher/gen/bake_filters.c prints the table):
# sockjail copies one instead of running libseccomp in every start.
# BAKED_FILTERS=0 (a cross build, where the build machine cannot run what
# it compiles) leaves the table out, and every start builds its program.
# The table is linked by name: only weak references point at it, which
# would not pull it out of an archive.
BAKED_FILTERS ?= 1
ifneq ($(BAKED_FILTERS),0)
BAKED_OBJ := $(BUILD)/obj/filter_table.o
endif

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

HELPER_SRCS := $(filter-out %_m32.c,$(wildcard tests/helpers/*.c))
HELPER_M32_SRCS := $(wildcard tests/helpers/*_m32.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_SRCS)) \
	       $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(HELPER_M32_SRCS))

.PHONY: all check unit integration install uninstall deps clean fuzz bench fault helpers mutants
all: $(BUILD)/sockjail

$(BUILD)/obj/%.o: launcher/%.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/unit $(BUILD)/helpers:
	mkdir -p $@

$(BUILD)/libsockjail.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/gen/bake_filters: launcher/gen/bake_filters.c launcher/seccomp_filter.c $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ launcher/gen/bake_filters.c launcher/seccomp_filter.c $(LDLIBS)

$(BUILD)/gen/filter_table.c: $(BUILD)/gen/bake_filters
	$< > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/filter_table.o: $(BUILD)/gen/filter_table.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

# nl_resolvers.o by name: the --wrap'd calls appear in libnl, after the
# archive has been searched.
$(BUILD)/sockjail: $(BUILD)/obj/main.o $(SJ_LINK_OBJS) $(BAKED_OBJ) $(BUILD)/libsockjail.a
	$(CC) $(LDFLAGS) $(SJ_LDFLAGS) -o $@ $^ $(SJ_LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BAKED_OBJ) $(BUILD)/libsockjail.a | $(BUILD)/unit
	$(CC) $(CFLAGS) $(CMOCKA_CFLAGS) $(LDFLAGS) -o $@ $< \
		$(BAKED_OBJ) $(BUILD)/libsockjail.a $(LDLIBS) $(CMOCKA_LIBS)

# Attack and peer programs used by the integration tests. They are built
# without sanitizers: several of them misbehave on purpose.
$(BUILD)/helpers/%_m32: tests/helpers/%_m32.c $(wildcard tests/helpers/*.h) | $(BUILD)/helpers
	$(CC) -m32 -O1 -g -static -D_GNU_SOURCE -Wall -Wextra $(WERROR) -o $@ $<

$(BUILD)/helpers/%: tests/helpers/%.c $(wildcard tests/helpers/*.h) | $(BUILD)/helpers
	$(CC) -O1 -g -D_GNU_SOURCE -Wall -Wextra $(WERROR) -o $@ $< -lpthread

# The fault-injection build (include/fault.h): the same sources with the
# test hooks compiled in, for the integration tests that must stop the
# supervisor at one point. Never installed.
FAULT_OBJS := $(patsubst launcher/%.c,$(BUILD)/fault/obj/%.o,$(SRCS))
$(BUILD)/fault/obj/%.o: launcher/%.c $(wildcard include/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSJ_FAULT_INJECTION -c -o $@ $<

$(BUILD)/fault/sockjail: $(FAULT_OBJS) $(BAKED_OBJ)
	$(CC) $(LDFLAGS) $(SJ_LDFLAGS) -o $@ $^ $(SJ_LDLIBS)

fault: $(BUILD)/fault/sockjail
helpers: $(HELPER_BINS)

unit: $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS)

integration: $(BUILD)/sockjail $(BUILD)/fault/sockjail $(HELPER_BINS)
	@SOCKJAIL=$(abspath $(BUILD)/sockjail) SJ_HELPERS=$(abspath $(BUILD)/helpers) \
		SOCKJAIL_FAULT=$(abspath $(BUILD)/fault/sockjail) SJ_SANITIZED=$(if $(filter 1,$(SANITIZE)),1,0) \
		tests/integration/run

check: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration

# make mutants: one small source mutation at a time (tests/mutants/*.sed),
# each built in a copy of the tree and run against the tests that must
# catch it; fails if any mutant survives (tests/mutants/run).
mutants:
	@tests/mutants/run

# make bench: start-up, gated and ungated syscalls, parallel binds and the
# supervisor's memory, side by side with bwrap and unshare (tests/bench/run).
# Not part of check: it takes a couple of minutes and the figures depend on
# the machine. The bench programs are built like the helpers, unsanitized.
BENCH_BINS := $(BUILD)/bench/startup $(BUILD)/bench/sjbench $(BUILD)/bench/hostsocks $(BUILD)/bench/floor

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -D_GNU_SOURCE -Wall -Wextra $(WERROR) -o $@ $< -lpthread

# The yardstick is linked as sockjail is, so that linking is not what the
# two differ in.
$(BUILD)/bench/floor: tests/bench/floor.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -D_GNU_SOURCE -Wall -Wextra $(WERROR) $(if $(filter 1,$(STATIC)),$(STATIC_LINK) $(RELR_LDFLAGS)) -o $@ $<

bench: $(BUILD)/sockjail $(BENCH_BINS)
	@SOCKJAIL=$(abspath $(BUILD)/sockjail) SJ_BENCH=$(abspath $(BUILD)/bench) tests/bench/run

# The pages name the default profile directories and getent; installed, they
# name the ones this build uses.
MAN_PATHS = sed -e 's|/usr/local/share/sockjail/profiles|$(PROFILEDIR)|g' \
	-e 's|/etc/sockjail/profiles|$(SYSCONF_PROFILEDIR)|g' \
	-e 's|/usr/bin/getent|$(GETENT)|g'

install: $(BUILD)/sockjail
	install -D -m 0755 $(BUILD)/sockjail $(DESTDIR)$(BINDIR)/sockjail
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	$(MAN_PATHS) man/sockjail.1 >$(DESTDIR)$(MANDIR)/man1/sockjail.1
	$(MAN_PATHS) man/sockjail.profile.5 >$(DESTDIR)$(MANDIR)/man5/sockjail.profile.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/sockjail.1 $(DESTDIR)$(MANDIR)/man5/sockjail.profile.5
	install -d $(DESTDIR)$(PROFILEDIR)
	install -m 0644 profiles/*.profile $(DESTDIR)$(PROFILEDIR)/

# make uninstall: remove exactly the files install put, then the directories
# that are left empty: the profile directory (and its "sockjail" parent) in
# any case; the others only under a DESTDIR, a staging tree where each one
# exists because install made it. Without DESTDIR an empty /usr/local/bin
# may predate us, so it stays.
PROFILE_FILES := $(notdir $(wildcard profiles/*.profile))
PRUNE_STOP = $(if $(filter %/sockjail/profiles,$(PROFILEDIR)),$(PROFILEDIR:%/sockjail/profiles=%),$(patsubst %/,%,$(dir $(PROFILEDIR))))
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sockjail $(DESTDIR)$(MANDIR)/man1/sockjail.1 \
		$(DESTDIR)$(MANDIR)/man5/sockjail.profile.5 \
		$(addprefix $(DESTDIR)$(PROFILEDIR)/,$(PROFILE_FILES))
	@prune() { d=$$1; while [ "$$d" != "$$2" ] && [ -n "$$d" ] && rmdir "$$d" 2>/dev/null; do \
		echo "rmdir $$d"; d=$${d%/*}; done; }; \
	prune "$(DESTDIR)$(PROFILEDIR)" "$(DESTDIR)$(PRUNE_STOP)"; \
	if [ -n "$(DESTDIR)" ]; then \
		for d in $(BINDIR) $(MANDIR)/man1 $(MANDIR)/man5 $(PROFILEDIR); do prune "$(DESTDIR)$$d" "$(DESTDIR)"; done; \
	fi

# Debian 12 packages needed to build, test and benchmark.
DEB_PACKAGES := build-essential pkg-config libseccomp-dev libnl-3-dev \
	libnl-route-3-dev libcap-dev libcmocka-dev gcc-multilib clang \
	socat python3 dbus-daemon dbus-bin util-linux iproute2 procps \
	bubblewrap mandoc groff-base man-db systemd strace bsdutils \
	libcap2-bin curl \
	postgresql ssl-cert redis-server redis-tools nginx xvfb x11-utils \
	xauth podman catatonit python3-yaml
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEB_PACKAGES)

# libFuzzer harnesses (clang), each run FUZZ_SECONDS from its seed corpus;
# a crash or a leak fails the target.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) \
	-DSJ_PROFILEDIR='"/nonexistent"' -DSJ_SYSCONF_PROFILEDIR='"/nonexistent"'
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_check.h $(filter-out launcher/main.c,$(SRCS)) $(wildcard include/*.h)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(filter-out launcher/main.c,$(SRCS)) $(LDLIBS)
fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		name=$${f##*/fuzz_}; corpus=tests/fuzz/corpus_$$name; \
		work=$$(mktemp -d); cp -r $$corpus/. $$work/ 2>/dev/null || true; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		rc=0; $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$work >$$work.log 2>&1 || rc=$$?; \
		tail -n 5 $$work.log; rm -rf $$work $$work.log; \
		if [ $$rc -ne 0 ]; then echo "fuzz: $$f failed ($$rc)"; exit 1; fi; \
	done

clean:
	rm -rf build
