#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call; these wrap the one
 * setting Tally changes. Must run before the first connection opens. */
static inline int tally_sqlite3_disable_memstatus(void) {
    /* Memory statistics take a global mutex on every allocation; Tally
     * reports the page cache per connection (sqlite3_db_status) instead. */
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
