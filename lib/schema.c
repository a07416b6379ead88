/* schema: not written yet */
typedef int spm_schema_unwritten_;
