# verify and report: reports with evidence (report), the provider's bill,
# the reference middleboxes, the end-to-end verifier and its CLI commands.
libvnfo_la_SOURCES += src/report/report.c src/report/strbuf.c src/report/render_json.c \
	src/report/render_text.c
vnfoinclude_HEADERS += include/vnfo/report.h
noinst_HEADERS += src/report/report_private.h

if HAVE_CHECK
check_PROGRAMS += tests/check_report
tests_check_report_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_report_LDADD = $(TEST_LIBS) $(JANSSON_LIBS)
endif

# The provider's bill (docs/bill.md).
libvnfo_la_SOURCES += src/verify/bill.c src/verify/jsonpos.c
vnfoinclude_HEADERS += include/vnfo/bill.h
noinst_HEADERS += src/verify/jsonpos.h

if HAVE_CHECK
check_PROGRAMS += tests/check_bill
tests_check_bill_CFLAGS = $(TEST_CFLAGS)
tests_check_bill_LDADD = $(TEST_LIBS)
endif
