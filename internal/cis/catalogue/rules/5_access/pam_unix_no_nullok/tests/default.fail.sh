# Debian's unix profile allows empty passwords (nullok).
grep -q nullok /etc/pam.d/common-auth
