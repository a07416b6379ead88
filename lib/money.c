/* money: not written yet */
typedef int spm_money_unwritten_;
