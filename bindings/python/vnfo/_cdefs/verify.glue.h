/* Not libvnfo: the Python trampoline every Python reference goes through
 * (vnfo/reference.py); ctx is the handle of a vnfo.reference.Reference. */
extern "Python" vnfo_reference_verdict vnfo_py_reference(void *ctx, const uint8_t *in,
                                                         size_t in_len, uint8_t *out,
                                                         size_t out_cap, size_t *out_len,
                                                         vnfo_reference_resources *res);
/* The same for references that take each record's link type
 * (Reference(func, linktype_aware=True)). */
extern "Python" vnfo_reference_verdict vnfo_py_reference_linktype(void *ctx, uint32_t linktype,
                                                                  const uint8_t *in, size_t in_len,
                                                                  uint8_t *out, size_t out_cap,
                                                                  size_t *out_len,
                                                                  vnfo_reference_resources *res);
