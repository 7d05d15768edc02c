/* Glue of _cdefs/sampler.c (compiled into the extension, not libvnfo). */
static vnfo_status vnfo_py_decide_packets(vnfo_sampler_decision *out, size_t *out_selected,
                                          const vnfo_sampler *s, const uint8_t *base,
                                          size_t base_len, const uint64_t *offsets,
                                          size_t stride, const uint32_t *lens, uint32_t len,
                                          const uint32_t *flowtags, size_t n,
                                          uint32_t linktype, size_t burst);
static vnfo_status vnfo_py_time_c_bursts(double *out_ns, const vnfo_sampler *s,
                                         const uint8_t *base, size_t stride, uint32_t len,
                                         size_t n, uint32_t linktype, size_t burst,
                                         size_t reps);
