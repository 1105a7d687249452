// MariaDB Connector/C (Debian's libmariadb-dev) as Charter's MySQL registry uses it: the
// synchronous text protocol, run on a thread pool with socket time limits.
#ifndef CHARTER_MARIADB_H
#define CHARTER_MARIADB_H
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#endif
