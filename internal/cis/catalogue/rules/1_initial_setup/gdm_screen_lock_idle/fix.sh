s1_dconf_profile user
s1_dconf_write local 60-hardening-screen-lock org/gnome/desktop/screensaver/lock-delay "uint32 $P_gdm_lock_delay" org/gnome/desktop/session/idle-delay "uint32 $P_gdm_idle_delay"
s1_dconf_update
