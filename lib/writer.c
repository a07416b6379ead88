/* writer: not written yet */
typedef int spm_writer_unwritten_;
