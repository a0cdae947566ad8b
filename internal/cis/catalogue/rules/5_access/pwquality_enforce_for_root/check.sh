s5_pwq_all | grep -Eq '^[[:space:]]*enforce_for_root' && { h_say 'enforce_for_root is set'; return 0; }; h_say 'enforce_for_root is not set'; return 1
