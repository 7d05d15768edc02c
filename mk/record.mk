# record: the log record model and its canonical msgpack codec.
libvnfo_la_SOURCES += src/record/encode.c src/record/decode.c src/record/json.c
vnfoinclude_HEADERS += include/vnfo/record.h
noinst_HEADERS += src/record/record_format.h tests/fuzz/fuzz.h
EXTRA_DIST += tests/corpus

if HAVE_CHECK
check_PROGRAMS += tests/check_record
tests_check_record_CFLAGS = $(TEST_CFLAGS)
tests_check_record_LDADD = $(TEST_LIBS)
endif

# The fuzz harness's corpus, replayed by every build (gcc included).
check_PROGRAMS += tests/replay_record
tests_replay_record_SOURCES = tests/fuzz/fuzz_record.c tests/fuzz/replay.c
tests_replay_record_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"record\"
tests_replay_record_LDADD = libvnfo.la

