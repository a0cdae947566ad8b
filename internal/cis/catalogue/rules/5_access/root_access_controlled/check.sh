_p=$(awk -F: '$1 == "root" { print substr($2, 1, 1) }' /etc/shadow)
case $_p in '$') h_say 'root has a password'; return 0 ;; '!' | '*') h_say 'root is locked'; return 0 ;; esac
h_say 'root has an empty password field'; return 1
