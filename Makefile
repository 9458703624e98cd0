# autodbm - the update robot of an RPSL routing registry.
#
#   make            build the programs into bin/
#   make check      unit tests + command tests, then the same under ASan+UBSan
#   make demo       load the demo registry and run a sample through it
#   make bench      benchmarks (tests/bench/), prints figures
#   make install    PREFIX=/usr/local SYSCONFDIR=PREFIX/etc DESTDIR=
#                   (SYSTEMDUNITDIR=PREFIX/lib/systemd/system: the units of
#                   autodbm-whoisd and autodbm-mirror)
#
# Dependencies: make and make install only check them (contrib/install-deps
# --check: what is missing and the apt-get line that installs it, then
# stop); make demo, make check and the other test targets install what is
# missing (contrib/install-deps --if-missing, apt-get).
#
# PREFIX and SYSCONFDIR are compiled in: the default configuration file is
# SYSCONFDIR/autodbm/autodbm.conf (/usr/local/etc/autodbm/autodbm.conf by
# default; PREFIX=/usr puts it in /etc/autodbm, as Debian does).  Build and
# install with the same values (make PREFIX=/opt/autodbm; make install
# PREFIX=/opt/autodbm): a change of SYSCONFDIR rebuilds what depends on it.
# make install writes the installed paths into the recipes (maildrop/),
# the man pages and autodbm-replay, which name the default ones.
#
# The source tree shows the layers (README "Architecture"): src/util,
# src/rpsl, src/store and src/registry each build into their own static
# library (build/lib/libLAYER.a) and a program links them in that order
# from the top down, so a lower layer calling into a higher one fails to
# link.  include/LAYER/ holds the layer's headers.  Every other folder of
# src/ is one program: src/robot becomes bin/autodbm, src/load
# bin/autodbm-load, and so on; its main.c holds main(), its other files
# (with headers in include/PROGRAM/) are its own input adapters.
# build/libautodbm.a has every library object and the programs' adapters
# (not their mains): the test tools and benchmarks link it.

PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= $(if $(filter /usr /usr/,$(PREFIX)),/etc,$(PREFIX)/etc)

BUILD    ?= build
BIN      ?= bin
SANITIZE ?=

VERSION  := 0.1.0
PKGS     := lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme
# Only autodbm-whoisd (src/whoisd/) uses libevent: its objects compile and
# link with these besides PKGS.
WHOISD_PKGS := libevent
TESTPKGS := cunit

CC       ?= cc
OPT      ?= -O2
CFLAGS_BASE = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	      -Wshadow -Wstrict-prototypes -Wmissing-prototypes -g $(OPT) \
	      -Iinclude -DAUTODBM_VERSION='"$(VERSION)"' \
	      -DAUTODBM_SYSCONFDIR='"$(SYSCONFDIR)"' -MMD -MP
ifneq ($(SANITIZE),)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
# pkg-config runs once per make, when a recipe first needs its answer
# (after the dependency check or install): each variable replaces itself
# with its value on first use.
PKG_CFLAGS  = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS    = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
TEST_CFLAGS = $(eval TEST_CFLAGS := $(shell pkg-config --cflags $(TESTPKGS)))$(TEST_CFLAGS)
TEST_LIBS   = $(eval TEST_LIBS := $(shell pkg-config --libs $(TESTPKGS)))$(TEST_LIBS)
WHOISD_CFLAGS = $(eval WHOISD_CFLAGS := $(shell pkg-config --cflags $(WHOISD_PKGS)))$(WHOISD_CFLAGS)
WHOISD_LIBS   = $(eval WHOISD_LIBS := $(shell pkg-config --libs $(WHOISD_PKGS)))$(WHOISD_LIBS)
# per program: PROG_CFLAGS_<dir> and PROG_LIBS_<dir>
PROG_CFLAGS_whoisd = $(WHOISD_CFLAGS)
PROG_LIBS_whoisd = $(WHOISD_LIBS) -pthread

LAYERS    := util rpsl store registry
PROG_DIRS := $(filter-out $(LAYERS),$(notdir $(wildcard src/*)))
LAYER_LIBS := $(foreach l,$(LAYERS),$(BUILD)/lib/lib$(l).a)
# link order: the top layer first
LINK_LIBS := $(foreach l,registry store rpsl util,$(BUILD)/lib/lib$(l).a)
LIB_SRCS  := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
ADAPTER_SRCS := $(filter-out %/main.c,$(foreach p,$(PROG_DIRS),$(wildcard src/$(p)/*.c)))
ADAPTER_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(ADAPTER_SRCS))
# the unit test runner links the adapters that need no library of their own
UNIT_ADAPTER_OBJS := $(filter-out $(BUILD)/obj/whoisd/%,$(ADAPTER_OBJS))
ALL_SRCS  := $(wildcard src/*/*.c)
ALL_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(ALL_SRCS))
LIB       := $(BUILD)/libautodbm.a
progname   = $(if $(filter robot,$(1)),autodbm,autodbm-$(1))
PROGS     := $(foreach p,$(PROG_DIRS),$(BIN)/$(call progname,$(p)))
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tobj/%.o,$(UNIT_SRCS))
UNIT_RUN  := $(BUILD)/unit-tests

.PHONY: all progs check check-run unit demo bench install clean deps \
	deps-check fuzz valgrind

all: deps-check
	@$(MAKE) --no-print-directory progs

# Installs (apt-get) what is missing: for the test and demo targets only.
deps:
	@contrib/install-deps --if-missing

# Reports what the build lacks and stops; installs nothing.
deps-check:
	@contrib/install-deps --check bin:$(firstword $(CC)) bin:ar $(PKGS) $(WHOISD_PKGS)

progs: $(PROGS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(PKG_CFLAGS) $(PROG_CFLAGS_$(firstword $(subst /, ,$*))) $(CFLAGS) -c -o $@ $<

# conf.c compiles SYSCONFDIR in (the default configuration file): this
# file holds the value and changes only when the value does.
$(BUILD)/sysconfdir: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SYSCONFDIR)' > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null || mv $@.tmp $@; rm -f $@.tmp
$(BUILD)/obj/registry/conf.o: $(BUILD)/sysconfdir
.PHONY: FORCE
FORCE:

define layer_rule
$(BUILD)/lib/lib$(1).a: $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/$(1)/*.c))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(LIB): $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(ADAPTER_OBJS)
	@rm -f $@
	ar rcs $@ $^

# bin/autodbm-P: src/P/*.c, then the layers from the top down.
define prog_rule
$(BIN)/$(call progname,$(1)): $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/$(1)/*.c)) $(LINK_LIBS)
	@mkdir -p $(BIN)
	$$(CC) $$(LDFLAGS_SAN) $$(LDFLAGS) -o $$@ $$^ $$(PROG_LIBS_$(1)) $$(PKG_LIBS)
endef
$(foreach p,$(PROG_DIRS),$(eval $(call prog_rule,$(p))))

# The unit test runner: one binary, every suite of tests/unit/*/test_*.c
# (one folder per layer, and one per program for its adapters).
# A file test_foo.c defines `void suite_foo(void)` that adds its CUnit suite.
$(BUILD)/suites.inc: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	@for f in $(UNIT_SRCS); do n=$${f##*/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/tobj/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(PKG_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -Itests/unit -c -o $@ $<

$(BUILD)/tobj/run.o: tests/unit/run.c $(BUILD)/suites.inc
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(TEST_CFLAGS) $(CFLAGS) -Itests/unit -I$(BUILD) -c -o $@ $<

$(UNIT_RUN): $(BUILD)/tobj/run.o $(UNIT_OBJS) $(UNIT_ADAPTER_OBJS) $(LINK_LIBS)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(PKG_LIBS)

-include $(ALL_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(BUILD)/tobj/run.d

unit: $(UNIT_RUN) $(PROGS) $(LIB)

# make check: the plain build, then the sanitizer build, both through
# tests/run-check, which prints the closing "N passed, N failed" line.
check: deps
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/bin SANITIZE=1 OPT=-O1 unit
	@tests/run-check build bin build/asan build/asan/bin

# The same under valgrind (slow; not part of check).
valgrind: deps
	@$(MAKE) --no-print-directory unit
	@VALGRIND=1 tests/run-check build bin

demo: deps
	@$(MAKE) --no-print-directory progs
	@contrib/demo

bench: deps
	@$(MAKE) --no-print-directory progs
	@$(MAKE) --no-print-directory -C tests/bench

# autodbm-query, the users' command, goes to BINDIR; the rest to SBINDIR.
# The recipes (maildrop/, contrib/www/), the man pages and autodbm-replay name the
# default paths (/usr/local/sbin, /usr/local/bin, /usr/local/etc/autodbm):
# they are installed with this installation's paths instead.
INSTALL_PATHS = sed -e 's|/usr/local/etc/autodbm|$(SYSCONFDIR)/autodbm|g' \
		    -e 's|/usr/local/sbin\([/:]\)|$(SBINDIR)\1|g' \
		    -e 's|/usr/local/bin\([/:]\)|$(BINDIR)\1|g'
# install_sub SRC DEST MODE: SRC through INSTALL_PATHS into DEST
install_sub = $(INSTALL_PATHS) $(1) > $(2).tmp && chmod $(3) $(2).tmp && mv $(2).tmp $(2)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/autodbm/maildrop $(DESTDIR)$(SYSCONFDIR)/autodbm/www
	for p in $(filter-out %/autodbm-query,$(PROGS)); do install -m 0755 $$p $(DESTDIR)$(SBINDIR)/; done
	install -m 0755 $(BIN)/autodbm-query $(DESTDIR)$(BINDIR)/
	install -m 0644 conf/autodbm.conf.example $(DESTDIR)$(SYSCONFDIR)/autodbm/
	$(call install_sub,contrib/autodbm-replay,$(DESTDIR)$(SBINDIR)/autodbm-replay,0755)
	for f in maildrop/*; do $(call install_sub,$$f,$(DESTDIR)$(SYSCONFDIR)/autodbm/$$f,0644); done
	for f in contrib/www/*; do $(call install_sub,$$f,$(DESTDIR)$(SYSCONFDIR)/autodbm/www/$${f##*/},0644); done
	for m in contrib/man/*.[158]; do [ -f "$$m" ] || continue; \
		$(call install_sub,$$m,$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/},0644); done
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	$(call install_sub,contrib/autodbm-whoisd.service,$(DESTDIR)$(SYSTEMDUNITDIR)/autodbm-whoisd.service,0644)
	$(call install_sub,contrib/autodbm-mirror.service,$(DESTDIR)$(SYSTEMDUNITDIR)/autodbm-mirror.service,0644)

clean:
	rm -rf build bin var

# --- Fuzzing (tests/fuzz/) -------------------------------------------------
# libFuzzer harnesses built with clang from the library sources, compiled
# with -fsanitize=fuzzer-no-link,address,undefined into $(FUZZ_BUILD).
#   make fuzz        each harness FUZZ_SECONDS (default 60) seconds
#   make fuzz-long   each harness FUZZ_LONG_SECONDS (default 600) seconds
# tests/fuzz/run seeds build/fuzz/corpus-NAME/ at run time, runs the
# harnesses and prints executions and crashes per harness; make check runs
# it briefly through tests/run-check.
FUZZ_BUILD   ?= build/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_LONG_SECONDS ?= 600
FUZZ_NAMES   := mailin rpsl update pgpkey irr query nrtm
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer
FUZZ_CFLAGS   = $(filter-out -Werror $(OPT),$(CFLAGS_BASE)) -O1 $(FUZZ_SAN)
FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRCS) $(ADAPTER_SRCS))
FUZZ_BINS    := $(patsubst %,$(FUZZ_BUILD)/fuzz-%,$(FUZZ_NAMES))

# Library objects: warnings shown but not fatal (clang warns about things
# gcc, the -Werror gate of the normal build, does not).
$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libautodbm.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The harnesses themselves build with -Werror.
$(FUZZ_BUILD)/hobj/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		-Itests/fuzz -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/hobj/fuzz_%.o $(FUZZ_BUILD)/hobj/fuzz_common.o \
		$(FUZZ_BUILD)/libautodbm.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

.SECONDARY: $(patsubst %,$(FUZZ_BUILD)/hobj/fuzz_%.o,$(FUZZ_NAMES))
-include $(FUZZ_LIB_OBJS:.o=.d) $(wildcard $(FUZZ_BUILD)/hobj/*.d)
.PHONY: fuzz-build fuzz-long
fuzz-build: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run -b $(FUZZ_BUILD) -t $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-long: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run -b $(FUZZ_BUILD) -t $(FUZZ_LONG_SECONDS) $(FUZZ_NAMES)

# --- Long robustness runs (tests/crash/, tests/cmd/hostile.sh) ------------
# make check runs 200 kill -9 trials and a flood of 300 mails (plain build);
# check-long runs 1,000 trials and a flood of 1,000 mails.
.PHONY: check-long
check-long: deps
	@$(MAKE) --no-print-directory progs $(BUILD)/libautodbm.a
	@AUTODBM_SRCDIR=$(CURDIR) tests/crash/run -n $${CRASH_TRIALS:-1000} $(CURDIR)/$(BIN)
	@AUTODBM_BIN=$(CURDIR)/$(BIN) AUTODBM_SRCDIR=$(CURDIR) FLOOD=$${FLOOD:-1000} \
		sh tests/cmd/hostile.sh
