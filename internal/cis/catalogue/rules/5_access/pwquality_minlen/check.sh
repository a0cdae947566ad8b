pkg_installed libpam-pwquality >/dev/null || { h_say 'libpam-pwquality is not installed'; return 1; }; s5_pwq_cmp minlen ge "$P_pwquality_minlen"
