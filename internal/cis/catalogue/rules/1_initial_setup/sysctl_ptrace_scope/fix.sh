sysctl_set kernel.yama.ptrace_scope "$P_ptrace_scope"
