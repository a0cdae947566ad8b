s1_pkg apport || { h_say 'apport is not installed'; return 0; }
_rc=0
_e=$(kv_value /etc/default/apport enabled)
h_say "/etc/default/apport: enabled=${_e:-(unset)}"
[ "$_e" = 0 ] || _rc=1
svc_not_enabled apport.service || _rc=1
return $_rc
