/* reader_json: not written yet */
typedef int spm_reader_json_unwritten_;
