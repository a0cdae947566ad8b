# A drop-in that sorts after ours (like cloud-init's) allows a CBC cipher.
printf 'Ciphers aes256-ctr,aes128-cbc\n' >/etc/ssh/sshd_config.d/50-test.conf
