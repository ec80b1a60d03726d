# Strav: one non-recursive Makefile.
#   make                 build build/stravc, build/strav-run, build/strav
#   make check           build and run the whole test suite (tests/run)
#   make SAN=address,undefined check     the same under ASan/UBSan
#   make WERROR=1        warnings are errors (CI)
#   make install PREFIX=/usr DESTDIR=/tmp/pkg   programs, man pages (scdoc), completion
#   make man             build the man pages into $(BUILD)/man
# Sources are found by wildcard: compiler/*.c (main.c is stravc's main), runtime/*.c
# (main.c is strav-run's, strav_main.c is the front command's), tests/unit/test_*.c.

CC      ?= cc
BUILD   ?= build
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
           -Wimplicit-fallthrough -Wformat=2 -Wundef -Wcast-qual -Wwrite-strings -Wvla
WARN_GCC = -Wlogical-op -Wduplicated-cond -Wduplicated-branches -Wnull-dereference
OPT     ?= -O2 -g
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),)
WARN    += $(WARN_GCC)
endif
ifeq ($(WERROR),1)
WARN    += -Werror
endif
ifneq ($(SAN),)
OPT     += -fsanitize=$(SAN) -fno-sanitize-recover=all -fno-omit-frame-pointer -DARENA_DEBUG
LDFLAGS += -fsanitize=$(SAN)
endif
PQ_INC  := $(shell pg_config --includedir 2>/dev/null)
PQ_LIB  := $(shell pg_config --libdir 2>/dev/null)
CFLAGS  += $(CSTD) $(WARN) $(OPT) -fno-common -MMD -MP -I compiler -I runtime -I tests -I $(BUILD)/gen \
           $(if $(PQ_INC),-I$(PQ_INC))
LIBS_BASE = -lutf8proc -ljansson -lcrypto
LIBS     = $(if $(PQ_LIB),-L$(PQ_LIB)) -lpq $(LIBS_BASE)

ifneq ($(V),1)
Q  = @
QCC = @printf '  CC      %s\n' $<;
QLD = @printf '  LD      %s\n' $@;
QGEN = @printf '  GEN     %s\n' $@;
endif

COMPILER_SRCS := $(filter-out compiler/main.c compiler/pq_lazy.c,$(wildcard compiler/*.c))
RUNTIME_SRCS  := $(filter-out runtime/main.c runtime/strav_main.c,$(wildcard runtime/*.c))
GEN_SRCS      := $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.c
TEST_SRCS     := $(wildcard tests/unit/test_*.c)

COMPILER_OBJS := $(COMPILER_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/lexer.o $(BUILD)/obj/gen/parser.o
RUNTIME_OBJS  := $(RUNTIME_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS     := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

LIBSTRAVC   := $(BUILD)/libstravc.a
LIBSTRAVRUN := $(BUILD)/libstravrun.a

all: $(BUILD)/stravc $(BUILD)/strav-run $(BUILD)/strav $(TEST_BINS)

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y
	@mkdir -p $(BUILD)/gen
	$(QGEN)lemon -q -d$(BUILD)/gen -T$(LEMPAR) grammar/parser.y

LEMPAR := $(firstword $(wildcard /usr/share/lemon/lempar.c /usr/share/sqlite3/lempar.c) lempar.c)

$(BUILD)/gen/lexer.c: grammar/lexer.re $(BUILD)/gen/parser.h
	@mkdir -p $(@D)
	$(QGEN)re2c -W -Werror --no-generation-date --no-version -o $@ $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(QCC)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(BUILD)/gen/parser.h
	@mkdir -p $(@D)
	$(QCC)$(CC) $(CFLAGS) -c -o $@ $<

$(LIBSTRAVC): $(COMPILER_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSTRAVRUN): $(RUNTIME_OBJS) $(BUILD)/obj/empty.o
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/empty.o:
	@mkdir -p $(@D)
	$(Q)printf 'typedef int strav_empty_unit;\n' > $(BUILD)/obj/empty.c && $(CC) -c -o $@ $(BUILD)/obj/empty.c

# stravc loads libpq only when a command connects (compiler/pq_lazy.c says why)
$(BUILD)/stravc: $(BUILD)/obj/compiler/main.o $(LIBSTRAVRUN) $(LIBSTRAVC) $(BUILD)/obj/compiler/pq_lazy.o
	$(QLD)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_BASE)

$(BUILD)/strav-run: $(BUILD)/obj/runtime/main.o $(LIBSTRAVRUN) $(LIBSTRAVC)
	$(QLD)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/strav: $(BUILD)/obj/runtime/strav_main.o $(LIBSTRAVRUN) $(LIBSTRAVC)
	$(QLD)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/tap.o $(LIBSTRAVRUN) $(LIBSTRAVC)
	@mkdir -p $(@D)
	$(QLD)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

check: all
	tests/run

bless: all
	BLESS=1 tests/run

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $$(git ls-files 'compiler/*.[ch]' 'runtime/*.[ch]' 'tests/*.[ch]')

.PHONY: all check bless clean format
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The README's main job (scripts/demo.sh): compile the example schemas, generate and apply the
# first migration of each domain on the embedded PostgreSQL, show the status.
demo: all
	scripts/demo.sh

.PHONY: demo

# Man pages: docs/man/*.scd (scdoc source) -> $(BUILD)/man/NAME.SECTION.
MAN_SRCS  := $(wildcard docs/man/*.scd)
MAN_PAGES := $(MAN_SRCS:docs/man/%.scd=$(BUILD)/man/%)

$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	$(QGEN)scdoc < $< > $@.tmp && mv $@.tmp $@

man: $(MAN_PAGES)

# make install [PREFIX=/usr/local] [DESTDIR=]: the three programs, their man pages, bash and
# zsh completion, the Vim syntax files. strav finds stravc next to itself, so they share bindir.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
INSTALL ?= install

install: $(BUILD)/stravc $(BUILD)/strav-run $(BUILD)/strav $(MAN_PAGES)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/zsh/vendor-completions \
	    $(DESTDIR)$(DATADIR)/vim/vimfiles/syntax $(DESTDIR)$(DATADIR)/vim/vimfiles/ftdetect
	$(INSTALL) -m 755 $(BUILD)/stravc $(BUILD)/strav-run $(BUILD)/strav $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/
	for p in strav stravc strav-run; do \
	    $(INSTALL) -m 644 completions/strav.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/$$p; \
	done
	$(INSTALL) -m 644 completions/_strav $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_strav
	$(if $(wildcard editors/vim/syntax/strav.vim),$(INSTALL) -m 644 editors/vim/syntax/strav.vim $(DESTDIR)$(DATADIR)/vim/vimfiles/syntax/)
	$(if $(wildcard editors/vim/ftdetect/strav.vim),$(INSTALL) -m 644 editors/vim/ftdetect/strav.vim $(DESTDIR)$(DATADIR)/vim/vimfiles/ftdetect/)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,stravc strav-run strav) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,strav.1 stravc.1 strav-run.1) \
	    $(DESTDIR)$(MANDIR)/man5/strav-language.5 \
	    $(addprefix $(DESTDIR)$(DATADIR)/bash-completion/completions/,strav stravc strav-run) \
	    $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_strav \
	    $(DESTDIR)$(DATADIR)/vim/vimfiles/syntax/strav.vim $(DESTDIR)$(DATADIR)/vim/vimfiles/ftdetect/strav.vim

.PHONY: man install uninstall
