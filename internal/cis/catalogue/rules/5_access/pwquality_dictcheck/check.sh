_v=$(s5_pwq_value dictcheck); h_say "pwquality dictcheck = ${_v:-unset (default 1)}"; [ "${_v:-1}" != 0 ]
