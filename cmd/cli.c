/* cli.c: not written yet */
typedef int spm_cli_unwritten_;
