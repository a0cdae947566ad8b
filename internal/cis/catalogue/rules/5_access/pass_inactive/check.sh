_v=$(useradd -D | awk -F= '$1 == "INACTIVE" { print $2 }'); h_say "useradd default INACTIVE = $_v"
[ "${_v:--1}" -ge 0 ] && [ "$_v" -le "$P_pass_inactive_days" ] && s5_users_field 7 0 "$P_pass_inactive_days"
