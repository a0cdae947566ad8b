h_has sudo || return 2
_t=$(s5_sudo_defaults | grep -Eo 'timestamp_timeout=-?[0-9]+' | tail -1 | cut -d= -f2)
h_say "timestamp_timeout ${_t:-not set, the built-in default}"
[ -n "$_t" ] && [ "$_t" -ge 0 ] && [ "$_t" -le 15 ]
