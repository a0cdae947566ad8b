# OpenSSH's built-in list offers chacha20-poly1305 (Terrapin).
! grep -Eqis '^[[:space:]]*Ciphers' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf
