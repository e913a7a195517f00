// The system SQLite (Debian's libsqlite3-dev), used directly by CapstanStorage.
#include <sqlite3.h>
