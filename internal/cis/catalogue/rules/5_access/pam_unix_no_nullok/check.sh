_n=$(grep -lEs '^[^#]*pam_unix\.so.*nullok' /etc/pam.d/common-* | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no nullok on pam_unix lines'; return 0; }; h_say "nullok in: $_n"; return 1
