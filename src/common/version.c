/* Version queries and initialisation. */
#include <pthread.h>
#include <sodium.h>

#include "internal.h"

const char *vnfo_version_string(void)
{
    return VNFO_VERSION_STRING;
}

uint32_t vnfo_version_number(void)
{
    return VNFO_VERSION_NUMBER;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static vnfo_status init_result = VNFO_E_NOT_INITIALIZED;

static void init_run(void)
{
    /* sodium_init() returns 1 when already initialised by the application. */
    init_result = sodium_init() < 0 ? VNFO_E_CRYPTO : VNFO_OK;
}

vnfo_status vnfo_init(void)
{
    pthread_once(&init_once, init_run);
    if (init_result != VNFO_OK)
        return vnfo__error(init_result, "vnfo_init: libsodium failed to initialise");
    return VNFO_OK;
}

int vnfo__initialized(void)
{
    return init_result == VNFO_OK;
}

double vnfo_rational_to_double(vnfo_rational r)
{
    double den = r.den == 0 ? 18446744073709551616.0 : (double)r.den;
    return (double)r.num / den;
}
