fstab_entry /dev/shm >/dev/null && { h_say "fstab: $(fstab_entry /dev/shm)"; return 0; }
h_say '/dev/shm is not in /etc/fstab (systemd mounts it with its defaults)'; return 1
