# sampler: keyed hash-based selection, labels, key epochs, sampling key files.
libvnfo_la_SOURCES += src/sampler/sampler.c src/sampler/decide.c src/sampler/bob.c \
	src/sampler/text.c src/sampler/keys.c src/sampler/sampler_internal.h
vnfoinclude_HEADERS += include/vnfo/sampler.h

if HAVE_CHECK
check_PROGRAMS += tests/check_sampler
tests_check_sampler_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS) $(XXHASH_CFLAGS)
tests_check_sampler_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS) $(XXHASH_LIBS) -lpthread
endif
