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

/* The trampolines of Python relations (vnfo/relation.py); ctx is the
 * handle of a vnfo.relation.Relation. */
extern "Python" vnfo_relation_verdict vnfo_py_relation_check(void *ctx, const vnfo_relation_packet *p,
                                                             const vnfo_relation_packet *prev,
                                                             char *why, size_t why_cap);
extern "Python" void vnfo_py_relation_flow(void *ctx, const vnfo_relation_packet *p, uint8_t *key,
                                           size_t *key_len, uint64_t *order);
extern "Python" size_t vnfo_py_relation_facts(void *ctx, const vnfo_relation_packet *p,
                                              vnfo_relation_fact *facts);
