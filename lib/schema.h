/*
 * schema.h (private) - the store's schema as a list of forward migrations: migrations[i] takes a store
 * from user_version i to i + 1. store.c runs the ones a file lacks; nothing else includes this.
 */
#ifndef SPM_LIB_SCHEMA_H
#define SPM_LIB_SCHEMA_H

extern const char *const spm_schema_migrations[];
extern const int spm_schema_migration_count;

#endif
