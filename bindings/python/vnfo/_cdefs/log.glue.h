/* Not libvnfo: Python trampolines of vnfo/log.py (ctx is a cffi handle). */
extern "Python" vnfo_status vnfo_py_log_sink(void *ctx, const uint8_t *batch, size_t len);
extern "Python" uint64_t vnfo_py_log_clock(void *ctx);
