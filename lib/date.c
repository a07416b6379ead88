/* date: not written yet */
typedef int spm_date_unwritten_;
