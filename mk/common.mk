# common: status codes, versions, init, error details, allocator hook.
libvnfo_la_SOURCES += src/common/status.c src/common/version.c src/common/alloc.c src/common/file.c \
	src/common/quote.c src/common/sort.c
vnfoinclude_HEADERS += include/vnfo/vnfo.h include/vnfo/common.h
noinst_HEADERS += src/internal.h tests/testutil.h bench/bench.h

if HAVE_CHECK
check_PROGRAMS += tests/check_common
tests_check_common_CFLAGS = $(TEST_CFLAGS)
tests_check_common_LDADD = $(TEST_LIBS)
check_PROGRAMS += tests/check_sort
tests_check_sort_SOURCES = tests/check_sort.c src/common/sort.c
tests_check_sort_CFLAGS = $(TEST_CFLAGS)
tests_check_sort_LDADD = $(TEST_LIBS)
endif

# The exported dynamic symbols are exactly the VNFO_API declarations, and
# every public header compiles alone as C11 and as C++.
TESTS += tests/check-symbols.sh tests/check-headers.sh
EXTRA_DIST += tests/check-headers.sh
