s1_dconf_profile gdm
s1_dconf_write gdm 60-hardening-banner org/gnome/login-screen/banner-message-enable true org/gnome/login-screen/banner-message-text "$(s1_gvariant_str "$P_banner_text")"
s1_dconf_update
