sshd_installed || return 2
s5_sshd_none_of ciphers '3des-cbc aes128-cbc aes192-cbc aes256-cbc rijndael-cbc@lysator.liu.se blowfish-cbc cast128-cbc arcfour arcfour128 arcfour256 chacha20-poly1305@openssh.com'
