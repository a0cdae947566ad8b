_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_locked local /org/gnome/desktop/media-handling/autorun-never || _rc=1
return $_rc
