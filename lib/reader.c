/* reader: not written yet */
typedef int spm_reader_unwritten_;
