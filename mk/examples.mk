# examples/: compiled and run by make check, so what the README quotes works.
if HAVE_CHECK
check_PROGRAMS += examples/shim/shim
endif
examples_shim_shim_LDADD = libvnfo.la
CLEANFILES += shim-example.log
