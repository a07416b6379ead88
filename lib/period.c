/* period: not written yet */
typedef int spm_period_unwritten_;
