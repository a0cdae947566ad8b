_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_locked local /org/gnome/desktop/media-handling/automount || _rc=1
s1_dconf_locked local /org/gnome/desktop/media-handling/automount-open || _rc=1
return $_rc
