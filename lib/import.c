/* import: not written yet */
typedef int spm_import_unwritten_;
