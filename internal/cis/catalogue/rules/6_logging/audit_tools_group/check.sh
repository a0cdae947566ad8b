audit_tools group check
