if [ -f /usr/share/pam-configs/hardening-unix ]; then s5_pam_update hardening-unix; else s5_pam_update unix; fi
