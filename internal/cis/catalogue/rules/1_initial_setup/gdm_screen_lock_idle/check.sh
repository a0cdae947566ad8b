_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_uint local org/gnome/desktop/session/idle-delay 1 "$P_gdm_idle_delay" || _rc=1
s1_dconf_uint local org/gnome/desktop/screensaver/lock-delay 0 "$P_gdm_lock_delay" || _rc=1
return $_rc
