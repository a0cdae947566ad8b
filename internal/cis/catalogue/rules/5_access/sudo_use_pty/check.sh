h_has sudo || return 2
s5_sudo_defaults | grep -Eq '(^|[,[:space:]])!use_pty' && { h_say 'a Defaults line disables use_pty'; return 1; }
s5_sudo_defaults | grep -Eq '(^|[,[:space:]])use_pty' || { h_say 'no Defaults use_pty'; return 1; }
h_say 'Defaults use_pty is set'
