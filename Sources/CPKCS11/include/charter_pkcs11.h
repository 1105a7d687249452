// The PKCS#11 interface as Charter's HSM key store uses it. pkcs11.h is p11-kit's rendering of
// the OASIS standard (its notice grants unlimited permission to copy); the module itself is
// loaded at run time with dlopen, so Charter builds and runs without any HSM library.
#ifndef CHARTER_PKCS11_H
#define CHARTER_PKCS11_H
#define CRYPTOKI_COMPAT 1
#include <stddef.h>
#include "pkcs11.h"

/// Loads the module at `path` and returns its function list, or NULL with `error` filled in.
/// `handle` receives the dlopen handle for charter_pkcs11_unload.
CK_FUNCTION_LIST_PTR charter_pkcs11_load(const char *path, void **handle, char *error, size_t error_length);

/// Closes a module loaded by charter_pkcs11_load.
void charter_pkcs11_unload(void *handle);

/// C_Initialize with CKF_OS_LOCKING_OK: the module may be called from several threads.
CK_RV charter_pkcs11_initialize(CK_FUNCTION_LIST_PTR functions);
#endif
