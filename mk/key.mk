# key: Ed25519 signing keys, public keys, key files.
libvnfo_la_SOURCES += src/key/key.c
vnfoinclude_HEADERS += include/vnfo/key.h

if HAVE_CHECK
check_PROGRAMS += tests/check_key
tests_check_key_CFLAGS = $(TEST_CFLAGS)
tests_check_key_LDADD = $(TEST_LIBS)
endif
