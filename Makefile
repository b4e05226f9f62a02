# Gongwen — one Makefile for the whole tree.
#   make            build bin/gongwen-indexer, bin/gongwen-searchd, bin/gongwen-search
#   make deps       install missing Debian packages (build + run)
#   make run        deps, build, index corpus/, serve on http://127.0.0.1:8080/
#   make test       deps (incl. test tools), build, run every test
#   make test-asan  the same tests on an AddressSanitizer + UBSan build (build-asan/, bin-asan/)
#   make fuzz       libFuzzer targets (clang), run for FUZZ_SECONDS each
#   make bench      the benchmark (bench/README.md)
#   make bench-realtext  recall and precision on real text (bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR= : binaries, man pages, conf/
#   make clean
#   V=1 shows the commands.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
BIN ?= bin
SAN ?=
FUZZ_SECONDS ?= 20
PORT ?= 8080

CC ?= cc
CXX ?= c++
PKGS := libmicrohttpd opencc uchardet libutf8proc friso jansson inih libxml-2.0 liblz4

ifeq ($(V),1)
Q :=
else
Q := @
endif

# pkg-config and xapian-config are asked only when building, so `make deps` works on a
# machine that has neither yet.
ifeq ($(filter deps deps-test clean,$(MAKECMDGOALS)),)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
XAPIAN_CXXFLAGS := $(shell xapian-config --cxxflags 2>/dev/null)
XAPIAN_LIBS := $(shell xapian-config --libs 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
endif

OPT ?= -O2
WARN := -Wall -Wextra
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT := -O1
endif
CPPFLAGS += -Ilib -I$(BUILD)/gen -D_GNU_SOURCE
CFLAGS += -std=c11 $(OPT) -g $(WARN) $(SANFLAGS) -MMD -MP $(PKG_CFLAGS)
CXXFLAGS += -std=c++17 $(OPT) -g $(WARN) $(SANFLAGS) -MMD -MP $(XAPIAN_CXXFLAGS)
LDFLAGS += $(SANFLAGS)
LDLIBS += $(PKG_LIBS) $(XAPIAN_LIBS) -lstdc++ -lpthread -lm

# Generated sources (see the rules that produce them) are listed in GEN_OBJ by the
# modules that need them.
include lib/gen.mk

LIB_C := $(wildcard lib/*.c)
LIB_CC := $(wildcard lib/*.cc)
LIB_OBJ := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CC:%.cc=$(BUILD)/%.o) $(GEN_OBJ)
LIBA := $(BUILD)/libgongwen.a

INDEXER_SRC := $(wildcard indexer/*.c)
SEARCH_CLI_SRC := searchd/search_cli.c
SEARCHD_SRC := $(filter-out $(SEARCH_CLI_SRC),$(wildcard searchd/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BINARIES := $(BIN)/gongwen-indexer $(BIN)/gongwen-searchd $(BIN)/gongwen-search

.PHONY: all deps deps-test run test test-asan unit integration fuzz bench bench-realtext install clean
all: $(BINARIES)


$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/gongwen-indexer: $(INDEXER_SRC:%.c=$(BUILD)/%.o) $(LIBA)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/gongwen-searchd: $(SEARCHD_SRC:%.c=$(BUILD)/%.o) $(LIBA)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/gongwen-search: $(SEARCH_CLI_SRC:%.c=$(BUILD)/%.o) $(LIBA)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST-CC $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(CHECK_LIBS) $(LDLIBS)

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(PORT)

# The test runner prints one closing line "N passed, N failed".
test: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@BUILD=$(BUILD) BIN=$(BIN) tests/run.sh

test-asan: deps-test
	@$(MAKE) --no-print-directory SAN=1 BUILD=build-asan BIN=bin-asan all \
		$(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@BUILD=build-asan BIN=bin-asan CK_TIMEOUT_MULTIPLIER=20 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		FLOOD_REQUESTS=3000 RANDOM_REQUESTS=600 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) BIN=$(BIN) tests/run.sh unit

integration: all
	@BUILD=$(BUILD) BIN=$(BIN) tests/run.sh integration

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_LIB_SRC := $(LIB_C) $(LIB_CC)
fuzz:
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_SRC)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(if $(N),$(N),20000) --realtext

# Recall and precision on real text (Debian's Chinese documentation), alone.
bench-realtext: deps
	@$(MAKE) --no-print-directory all
	@bench/run.sh 0 --realtext-only

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/gongwen/conf
	install -m 755 $(BINARIES) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 conf/* $(DESTDIR)$(PREFIX)/share/gongwen/conf/

clean:
	rm -rf build build-asan build-fuzz bin bin-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
