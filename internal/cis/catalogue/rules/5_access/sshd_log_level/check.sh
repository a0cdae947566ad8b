sshd_installed || return 2
_v=$(sshd_value LogLevel); h_say "sshd LogLevel = $_v"
case $_v in INFO | VERBOSE) s5_sshd_explicit LogLevel; return ;; esac; return 1
