// Loading a PKCS#11 module: dlopen, then its C_GetFunctionList.
#include "charter_pkcs11.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

CK_FUNCTION_LIST_PTR charter_pkcs11_load(const char *path, void **handle, char *error, size_t error_length) {
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) {
        const char *reason = dlerror();
        snprintf(error, error_length, "%s", reason ? reason : "dlopen failed");
        return NULL;
    }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(*handle, "C_GetFunctionList");
    CK_FUNCTION_LIST_PTR functions = NULL;
    if (get == NULL || get(&functions) != CKR_OK || functions == NULL) {
        snprintf(error, error_length, "%s is not a PKCS#11 module (no C_GetFunctionList)", path);
        dlclose(*handle);
        *handle = NULL;
        return NULL;
    }
    return functions;
}

void charter_pkcs11_unload(void *handle) {
    if (handle != NULL) dlclose(handle);
}

CK_RV charter_pkcs11_initialize(CK_FUNCTION_LIST_PTR functions) {
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof(args));
    args.flags = CKF_OS_LOCKING_OK;
    return functions->C_Initialize(&args);
}
