/* reader_csv: not written yet */
typedef int spm_reader_csv_unwritten_;
