_n=$(grep -lEs '^[^#]*pam_unix\.so.*remember=' /etc/pam.d/common-* | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no remember= on pam_unix lines'; return 0; }; h_say "remember= in: $_n"; return 1
