/* util: not written yet */
typedef int spm_util_unwritten_;
