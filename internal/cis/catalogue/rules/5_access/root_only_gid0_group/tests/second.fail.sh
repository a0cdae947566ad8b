# A second group with GID 0 (no remediation: it is reported).
printf 'wheel0:x:0:\n' >>/etc/group
