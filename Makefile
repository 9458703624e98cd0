# autodbm - the update robot of an RPSL routing registry.
#
#   make            build the programs into bin/
#   make check      unit tests + command tests, then the same under ASan+UBSan
#   make demo       load the demo registry and run a sample through it
#   make bench      benchmarks (tests/bench/), prints figures
#   make install    PREFIX=/usr/local DESTDIR=
#
# Library modules are src/*.c except src/cmd_*.c, which are the programs'
# main files: src/cmd_load.c becomes bin/autodbm-load, and so on.

PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc

BUILD    ?= build
BIN      ?= bin
SANITIZE ?=

VERSION  := 0.1.0
PKGS     := lmdb zlib libcrypt gmime-3.0 libesmtp-1.0 gpgme
TESTPKGS := cunit

CC       ?= cc
OPT      ?= -O2
CFLAGS_BASE = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror \
	      -Wshadow -Wstrict-prototypes -Wmissing-prototypes -g $(OPT) \
	      -Iinclude -DAUTODBM_VERSION='"$(VERSION)"'
ifneq ($(SANITIZE),)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer \
	       -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
# Expanded when a recipe runs, after the dependency check has installed
# what was missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
TEST_CFLAGS = $(shell pkg-config --cflags $(TESTPKGS))
TEST_LIBS   = $(shell pkg-config --libs $(TESTPKGS))

LIB_SRCS  := $(filter-out src/cmd_%.c,$(wildcard src/*.c))
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIB       := $(BUILD)/libautodbm.a
CMD_SRCS  := $(wildcard src/cmd_*.c)
PROGS     := $(patsubst src/cmd_%.c,$(BIN)/autodbm-%,$(CMD_SRCS))
PROGS     := $(subst autodbm-robot,autodbm,$(PROGS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tobj/%.o,$(UNIT_SRCS))
UNIT_RUN  := $(BUILD)/unit-tests
HDRS      := $(wildcard include/*.h)

.PHONY: all progs check check-run unit demo bench install clean deps fuzz \
	valgrind

all: deps
	@$(MAKE) --no-print-directory progs

deps:
	@contrib/install-deps --if-missing

progs: $(PROGS)

$(BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/autodbm-%: $(BUILD)/obj/cmd_%.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BIN)/autodbm: $(BUILD)/obj/cmd_robot.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The unit test runner: one binary, every suite of tests/unit/test_*.c.
# A file test_foo.c defines `void suite_foo(void)` that adds its CUnit suite.
$(BUILD)/suites.inc: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	@for f in $(UNIT_SRCS); do n=$${f##*/test_}; echo "SUITE($${n%.c})"; done > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/tobj/%.o: tests/unit/%.c $(HDRS) tests/unit/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(PKG_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -Itests/unit -c -o $@ $<

$(BUILD)/tobj/run.o: tests/unit/run.c $(BUILD)/suites.inc tests/unit/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(TEST_CFLAGS) $(CFLAGS) -Itests/unit -I$(BUILD) -c -o $@ $<

$(UNIT_RUN): $(BUILD)/tobj/run.o $(UNIT_OBJS) $(LIB)
	$(CC) $(LDFLAGS_SAN) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(PKG_LIBS)

unit: $(UNIT_RUN) $(PROGS)

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

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/autodbm
	for p in $(PROGS); do install -m 0755 $$p $(DESTDIR)$(SBINDIR)/; done
	install -m 0644 conf/autodbm.conf.example $(DESTDIR)$(SYSCONFDIR)/autodbm/
	install -m 0755 contrib/autodbm-replay $(DESTDIR)$(SBINDIR)/
	install -d $(DESTDIR)$(SYSCONFDIR)/autodbm/maildrop
	for f in maildrop/*; do install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/autodbm/maildrop/; done
	for m in contrib/man/*.1; do [ -f "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/; done; true
	for m in contrib/man/*.5; do [ -f "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man5/; done; true
	for m in contrib/man/*.8; do [ -f "$$m" ] && install -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/; done; true

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
FUZZ_NAMES   := mailin rpsl update pgpkey
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer
FUZZ_CFLAGS   = $(filter-out -Werror $(OPT),$(CFLAGS_BASE)) -O1 $(FUZZ_SAN)
FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRCS))
FUZZ_BINS    := $(patsubst %,$(FUZZ_BUILD)/fuzz-%,$(FUZZ_NAMES))

# Library objects: warnings shown but not fatal (clang warns about things
# gcc, the -Werror gate of the normal build, does not).
$(FUZZ_BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libautodbm.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The harnesses themselves build with -Werror.
$(FUZZ_BUILD)/hobj/%.o: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
		-Itests/fuzz -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/hobj/fuzz_%.o $(FUZZ_BUILD)/hobj/fuzz_common.o \
		$(FUZZ_BUILD)/libautodbm.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

.SECONDARY: $(patsubst %,$(FUZZ_BUILD)/hobj/fuzz_%.o,$(FUZZ_NAMES))
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
