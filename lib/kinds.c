/* kinds: not written yet */
typedef int spm_kinds_unwritten_;
