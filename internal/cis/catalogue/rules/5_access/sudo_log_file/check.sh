h_has sudo || return 2
_l=$(s5_sudo_defaults | grep -Eo 'logfile="?[^",[:space:]]+' | tail -1)
h_say "sudo ${_l:-has no logfile}"; [ -n "$_l" ]
