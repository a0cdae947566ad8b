pkg_installed libpam-pwquality >/dev/null || { h_say 'libpam-pwquality is not installed'; return 1; }; s5_pwq_cmp difok ge "$P_pwquality_difok"
