_v=$(sysctl_value kernel.yama.ptrace_scope)
h_say "kernel.yama.ptrace_scope = ${_v:-(not set by any sysctl.d file)}"
case ${_v% (*} in 1 | 2 | 3) return 0 ;; esac
return 1
