// OpenLDAP's client library (Debian's libldap-dev) as Charter's LDAP registry uses it: the
// synchronous calls, run on a thread pool with their own time limits.
#ifndef CHARTER_LDAP_H
#define CHARTER_LDAP_H
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <lber.h>

// Macros Swift cannot import: a simple bind is a SASL bind with no mechanism.
static inline const char *charter_ldap_sasl_simple(void) { return LDAP_SASL_SIMPLE; }
static inline void *charter_ldap_opt_on(void) { return LDAP_OPT_ON; }
static inline void *charter_ldap_opt_off(void) { return LDAP_OPT_OFF; }
#endif
