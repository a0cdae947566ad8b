_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_locked local /org/gnome/desktop/session/idle-delay || _rc=1
s1_dconf_locked local /org/gnome/desktop/screensaver/lock-delay || _rc=1
return $_rc
