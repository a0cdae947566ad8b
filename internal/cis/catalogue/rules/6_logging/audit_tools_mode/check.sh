audit_tools mode check
