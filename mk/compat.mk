# compat: 0.1.0 programs run and 0.1.0 artefacts verify under this release
# (docs/compatibility.md).  tests/compat/v0.1.0 is a frozen corpus written by
# the v0.1.0 tag's code (tests/compat/regenerate.sh); include-0.1.0 holds the
# 0.1.0 public headers.
#
# The helper programs below are built by `make check` (check_DATA) but are not
# tests themselves: the scripts in TESTS run them with arguments.
EXTRA_PROGRAMS += tests/compat/compat_verdicts
tests_compat_compat_verdicts_SOURCES = tests/compat/compat_verdicts.c
tests_compat_compat_verdicts_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_compat_compat_verdicts_LDADD = $(JANSSON_LIBS)
check_DATA = tests/compat/compat_verdicts$(EXEEXT)

if BUILD_CLI
TESTS += tests/compat/compat_cli.sh
endif
EXTRA_DIST += tests/compat docs/compatibility.md

# Mixed-version chains: frozen 0.1.0 logs next to this library's writer.
if HAVE_CHECK
check_PROGRAMS += tests/compat/check_compat
tests_compat_check_compat_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS) -I$(top_srcdir)/tests
tests_compat_check_compat_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_compat_check_compat_LDADD = $(SIM_LIBS) $(TEST_LIBS) $(JANSSON_LIBS)
endif

# Binary compatibility: programs compiled against the 0.1.0 public headers
# (and nothing of the current tree), linked with the current library.
COMPAT_010_CPPFLAGS = -I$(top_srcdir)/tests/compat/include-0.1.0
EXTRA_PROGRAMS += tests/compat/shim010 tests/compat/verifier010
tests_compat_shim010_SOURCES = tests/compat/src-0.1.0/shim.c
tests_compat_shim010_CPPFLAGS = $(COMPAT_010_CPPFLAGS)
tests_compat_shim010_LDADD = libvnfo.la
tests_compat_verifier010_SOURCES = tests/compat/verifier010.c
tests_compat_verifier010_CPPFLAGS = $(COMPAT_010_CPPFLAGS)
tests_compat_verifier010_LDADD = libvnfo.la
check_DATA += tests/compat/shim010$(EXEEXT) tests/compat/verifier010$(EXEEXT)
TESTS += tests/compat/compat_abi.sh
CLEANFILES += $(check_DATA)
