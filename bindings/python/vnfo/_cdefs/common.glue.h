/* Glue of _cdefs/common.c (compiled into the extension, not libvnfo). */
static const uint32_t vnfo_py_header_version;
static vnfo_status vnfo_py_alloc_install(long long n);
static long long vnfo_py_alloc_live(void);
static const char *vnfo_py_library_path(void);
