maint_dots check
