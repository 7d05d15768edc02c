# Record format version 2 end to end (docs/FORMAT.md): link types and wire
# lengths through simulate and verify, heartbeats and the period close,
# version-1 (0.1.0) logs under the current verifier.
if HAVE_CHECK
check_PROGRAMS += tests/check_format_v2
tests_check_format_v2_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_format_v2_CFLAGS = $(TEST_CFLAGS)
tests_check_format_v2_LDADD = $(SIM_LIBS) $(TEST_LIBS)
endif

if BUILD_CLI
TESTS += tests/format_cli.sh
endif
EXTRA_DIST += tests/format_cli.sh tests/make_linktype_pcaps.py
# The verifier written from docs/FORMAT.md alone and its pytest (run by
# ./quickstart test; tests/lab.sh reads the live logs with it).
EXTRA_DIST += tests/python/cleanroom_vnfo_reader.py tests/python/test_format_cleanroom.py
