/* currency: not written yet */
typedef int spm_currency_unwritten_;
