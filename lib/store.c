/* store: not written yet */
typedef int spm_store_unwritten_;
