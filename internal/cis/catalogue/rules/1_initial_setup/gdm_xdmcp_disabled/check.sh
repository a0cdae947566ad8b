_on=$(s1_xdmcp_enabled)
[ -z "$_on" ] && { h_say 'no [xdmcp] Enable=true in /etc/gdm3'; return 0; }
h_say "XDMCP enabled: $_on"; return 1
