/*
 * rounding.h (private) - the one place that decides how each rounding mode treats what a division
 * dropped, shared by the money module and by pay arithmetic that divides numbers too wide for it.
 */
#ifndef SPM_LIB_ROUNDING_H
#define SPM_LIB_ROUNDING_H

#include <stdbool.h>

#include "spm/money.h"

/*
 * Whether a quotient truncated toward zero moves one step away from zero: given the mode, the sign
 * of the exact value, whether the truncated quotient is odd (for half-even), and how the dropped
 * remainder compares with half a step (-1 below, 0 exactly half, 1 above). Call it only when
 * something was dropped.
 */
bool spm_round_away(spm_rounding mode, bool negative, bool odd, int half_cmp);

/* Whether mode is one of the spm_rounding modes (a value from outside may be anything). */
bool spm_rounding_valid(spm_rounding mode);

#endif
