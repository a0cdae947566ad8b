pkg_installed at >/dev/null || { h_say 'at is not installed'; return 2; }
_arc=0
svc2_allow_check /etc/at.allow daemon || _arc=1
if [ -e /etc/at.deny ]; then svc2_allow_check /etc/at.deny daemon || _arc=1; fi
return $_arc
