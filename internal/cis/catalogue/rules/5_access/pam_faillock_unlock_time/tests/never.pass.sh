# 0: locked until an administrator unlocks the account.
kv_set /etc/security/faillock.conf unlock_time 0 ' = ' >/dev/null
